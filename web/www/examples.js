// The example scenarios build-web.sh puts in example/: the page offers
// them, the benchmark page runs them.
export const EXAMPLES = {
    erc20: { kernel: 'example/zkos_kernel.wasm', genesis: 'example/dev.json', inbox: 'example/erc20.json' },
    transfers: { kernel: 'example/zkos_kernel.wasm', genesis: 'example/dev.json', inbox: 'example/transfers.json' },
    counter: { kernel: 'example/counter_kernel.wasm', genesis: null, inbox: 'example/counter.json' },
};
