;; A WASM contract for the kernel's cross-VM tests, written by hand against
;; the `zkos` host ABI. The first calldata byte picks an operation:
;;
;;   0x00            counter: slot 0 += 1, log(topic 0xaa.., data new), return new
;;   0x01 to data    call `to` with `data` and the value received; return its
;;                   output, or revert with its revert data
;;   0x02 to data    static call: return status byte ‖ output
;;   0x03            write slot 0 (fails in a static call)
;;   0x04            loop forever
;;   0x05            revert with "nope"
;;   0x06 to data    delegate call: return status byte ‖ output
;;   0x07 init       create from `init` with the value received; return the
;;                   address (20 bytes, zero if it failed)
;;   0x08            return the constants area
;;   0x09 peer depth ping-pong with a Solidity Relay: 0 if depth is 0, else
;;                   1 + peer.ping(this, depth - 1)
;;
;; `deploy` stores its 32-byte constructor argument in slot 0 and the size of
;; the constants area in slot 1.
(module
  (import "zkos" "calldata_size" (func $cds (result i32)))
  (import "zkos" "calldata_copy" (func $cdc (param i32 i32 i32)))
  (import "zkos" "address" (func $address (param i32)))
  (import "zkos" "call_value" (func $value (param i32)))
  (import "zkos" "storage_read" (func $sread (param i32 i32)))
  (import "zkos" "storage_write" (func $swrite (param i32 i32)))
  (import "zkos" "emit_log" (func $log (param i32 i32 i32 i32)))
  (import "zkos" "call" (func $call (param i32 i32 i32 i32 i64) (result i32)))
  (import "zkos" "static_call" (func $scall (param i32 i32 i32 i64) (result i32)))
  (import "zkos" "delegate_call" (func $dcall (param i32 i32 i32 i64) (result i32)))
  (import "zkos" "create" (func $create (param i32 i32 i32 i32) (result i32)))
  (import "zkos" "return_data_size" (func $rds (result i32)))
  (import "zkos" "return_data_copy" (func $rdc (param i32 i32 i32)))
  (import "zkos" "constants_size" (func $ks (result i32)))
  (import "zkos" "constants_copy" (func $kc (param i32 i32 i32)))
  (import "zkos" "finish" (func $finish (param i32 i32)))
  (import "zkos" "revert" (func $revert (param i32 i32)))
  (memory (export "memory") 1)
  ;; 0: calldata; 8192: slot key 0 (zero); 8224: value word; 8256: topic;
  ;; 8288: constants size word;
  ;; 8320: call value; 8352: slot key 1; 8400: created address; 8448: "nope";
  ;; 12288: outgoing calldata; 16384: return data; 20480: large init data.
  (data (i32.const 8256) "\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa")
  (data (i32.const 8383) "\01")
  (data (i32.const 8448) "nope")
  ;; the selector of Relay.ping(address,uint256)
  (data (i32.const 12288) "\84\d7\9a\da")

  ;; Adds one to the big-endian word at $p.
  (func $inc (param $p i32) (local $i i32) (local $b i32)
    (local.set $i (i32.const 31))
    (loop $l
      (local.set $b (i32.add (i32.load8_u (i32.add (local.get $p) (local.get $i))) (i32.const 1)))
      (i32.store8 (i32.add (local.get $p) (local.get $i)) (local.get $b))
      (if (i32.and (i32.eq (local.get $b) (i32.const 256)) (i32.gt_s (local.get $i) (i32.const 0)))
        (then (local.set $i (i32.sub (local.get $i) (i32.const 1))) (br $l)))))

  ;; Subtracts one from the (non-zero) big-endian word at $p.
  (func $dec (param $p i32) (local $i i32) (local $b i32)
    (local.set $i (i32.const 31))
    (loop $l
      (local.set $b (i32.load8_u (i32.add (local.get $p) (local.get $i))))
      (i32.store8 (i32.add (local.get $p) (local.get $i)) (i32.sub (local.get $b) (i32.const 1)))
      (if (i32.and (i32.eqz (local.get $b)) (i32.gt_s (local.get $i) (i32.const 0)))
        (then (local.set $i (i32.sub (local.get $i) (i32.const 1))) (br $l)))))

  (func $is_zero (param $p i32) (result i32)
    (i64.eqz (i64.or (i64.or (i64.load (local.get $p)) (i64.load offset=8 (local.get $p)))
                     (i64.or (i64.load offset=16 (local.get $p)) (i64.load offset=24 (local.get $p))))))

  ;; Returns the status byte then the return data.
  (func $status_and_output (param $status i32) (local $n i32)
    (local.set $n (call $rds))
    (i32.store8 (i32.const 16383) (local.get $status))
    (call $rdc (i32.const 16384) (i32.const 0) (local.get $n))
    (call $finish (i32.const 16383) (i32.add (local.get $n) (i32.const 1))))

  (func $output_or_revert (param $status i32) (local $n i32)
    (local.set $n (call $rds))
    (call $rdc (i32.const 16384) (i32.const 0) (local.get $n))
    (if (i32.eqz (local.get $status))
      (then (call $finish (i32.const 16384) (local.get $n)))
      (else (call $revert (i32.const 16384) (local.get $n)))))

  (func (export "call") (local $n i32) (local $op i32)
    (local.set $n (call $cds))
    ;; Init data too large for the calldata buffer (a RISC-V contract) is
    ;; created from 20480, past the other buffers.
    (if (i32.gt_u (local.get $n) (i32.const 8192)) (then
      (if (i32.gt_u (local.get $n) (i32.const 45056)) (then (unreachable)))
      (call $cdc (i32.const 20480) (i32.const 0) (local.get $n))
      (if (i32.ne (i32.load8_u (i32.const 20480)) (i32.const 7)) (then (unreachable)))
      (call $value (i32.const 8320))
      (drop (call $create (i32.const 8320) (i32.const 20481) (i32.sub (local.get $n) (i32.const 1)) (i32.const 8400)))
      (call $finish (i32.const 8400) (i32.const 20))))
    (call $cdc (i32.const 0) (i32.const 0) (local.get $n))
    (local.set $op (i32.load8_u (i32.const 0)))
    (call $value (i32.const 8320))
    (if (i32.eq (local.get $op) (i32.const 0)) (then
      (call $sread (i32.const 8192) (i32.const 8224))
      (call $inc (i32.const 8224))
      (call $swrite (i32.const 8192) (i32.const 8224))
      (call $log (i32.const 8256) (i32.const 1) (i32.const 8224) (i32.const 32))
      (call $finish (i32.const 8224) (i32.const 32))))
    (if (i32.eq (local.get $op) (i32.const 1)) (then
      (call $output_or_revert
        (call $call (i32.const 1) (i32.const 8320) (i32.const 21)
          (i32.sub (local.get $n) (i32.const 21)) (i64.const -1)))))
    (if (i32.eq (local.get $op) (i32.const 2)) (then
      (call $status_and_output
        (call $scall (i32.const 1) (i32.const 21) (i32.sub (local.get $n) (i32.const 21)) (i64.const -1)))))
    (if (i32.eq (local.get $op) (i32.const 3)) (then
      (call $swrite (i32.const 8192) (i32.const 8320))
      (call $finish (i32.const 0) (i32.const 0))))
    (if (i32.eq (local.get $op) (i32.const 4)) (then
      (loop $forever (br $forever))))
    (if (i32.eq (local.get $op) (i32.const 5)) (then
      (call $revert (i32.const 8448) (i32.const 4))))
    (if (i32.eq (local.get $op) (i32.const 6)) (then
      (call $status_and_output
        (call $dcall (i32.const 1) (i32.const 21) (i32.sub (local.get $n) (i32.const 21)) (i64.const -1)))))
    (if (i32.eq (local.get $op) (i32.const 7)) (then
      (drop (call $create (i32.const 8320) (i32.const 1) (i32.sub (local.get $n) (i32.const 1)) (i32.const 8400)))
      (call $finish (i32.const 8400) (i32.const 20))))
    (if (i32.eq (local.get $op) (i32.const 8)) (then
      (local.set $n (call $ks))
      (call $kc (i32.const 16384) (i32.const 0) (local.get $n))
      (call $finish (i32.const 16384) (local.get $n))))
    (if (i32.eq (local.get $op) (i32.const 9)) (then
      (if (call $is_zero (i32.const 21)) (then (call $finish (i32.const 8192) (i32.const 32))))
      ;; ping(this, depth - 1): selector, this as a word, depth - 1
      (call $address (i32.const 12304))
      (i64.store (i32.const 12324) (i64.load (i32.const 21)))
      (i64.store (i32.const 12332) (i64.load (i32.const 29)))
      (i64.store (i32.const 12340) (i64.load (i32.const 37)))
      (i64.store (i32.const 12348) (i64.load (i32.const 45)))
      (call $dec (i32.const 12324))
      (if (call $call (i32.const 1) (i32.const 8192) (i32.const 12288) (i32.const 68) (i64.const -1))
        (then (call $output_or_revert (i32.const 1))))
      (call $rdc (i32.const 16384) (i32.const 0) (i32.const 32))
      (call $inc (i32.const 16384))
      (call $finish (i32.const 16384) (i32.const 32))))
    (unreachable))

  (func (export "deploy")
    (call $cdc (i32.const 8224) (i32.const 0) (i32.const 32))
    (call $swrite (i32.const 8192) (i32.const 8224))
    (i32.store8 (i32.const 8319) (call $ks))
    (call $swrite (i32.const 8352) (i32.const 8288))))
