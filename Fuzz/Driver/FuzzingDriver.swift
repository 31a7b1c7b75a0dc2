#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// libFuzzer's entry point when the program has its own `main` (`libclang_rt.fuzzer_no_main`):
/// parses libFuzzer's flags from `argv` and calls `callback` once per input.
@_silgen_name("LLVMFuzzerRunDriver")
private func llvmFuzzerRunDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The property under test; set once by `runFuzzer` before libFuzzer calls back.
nonisolated(unsafe) private var property: ([UInt8]) -> Void = { _ in }

/// Runs libFuzzer with the process's arguments (`-seed=1 -max_total_time=20 corpus/...`, see
/// Docs/fuzzing.md), calling `check` on every input, and exits with libFuzzer's status: 0 when
/// no input crashed, non-zero (and a `crash-*` file) when `check` trapped on one.
///
/// `check` must trap (`precondition`) when the property it checks does not hold; thrown errors
/// that the code under test reports as bad input are the expected outcome of most inputs.
public func runFuzzer(_ check: @escaping ([UInt8]) -> Void) -> Never {
  property = check
  var argc = CommandLine.argc
  var argv = CommandLine.unsafeArgv
  let status = llvmFuzzerRunDriver(&argc, &argv) { data, count in
    property(data.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? [])
    return 0
  }
  exit(status)
}
