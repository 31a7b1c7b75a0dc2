import Dispatch
import Synchronization

/// Order-preserving parallel work on a fixed number of threads (`DispatchQueue.concurrentPerform`),
/// used by `sweep` and the Bayesian draws. Results never depend on the number of threads: each
/// input's output is computed from that input alone and delivered at its input position.
public enum ParallelMap {
  /// The outputs of `body` for every input, in input order (each index written by exactly one
  /// thread, into its own slot).
  public static func map<Input: Sendable, Output: Sendable>(
    _ inputs: [Input], threads: Int, _ body: @Sendable (Int, Input) -> Output
  ) -> [Output] {
    let slots = Slots<Output>(count: inputs.count)
    let workers = max(1, min(threads, inputs.count))
    withoutActuallyEscaping(body) { body in
      DispatchQueue.concurrentPerform(iterations: workers) { worker in
        var i = worker
        while i < inputs.count {
          slots.set(i, body(i, inputs[i]))
          i += workers
        }
      }
    }
    return slots.values()
  }

  /// Streams the outputs of `body` to `emit` in input order: an output is emitted as soon as it
  /// and every earlier one are done, so a long run's finished answers leave the process while
  /// later ones are still being computed (a slow or failing input holds back only the outputs
  /// after it, never loses those before it). Inputs are taken one at a time by whichever thread
  /// is free. `emit` is called on the worker threads, one call at a time (under a lock), exactly
  /// once per input, in order; it must not call back into this function.
  public static func forEachInOrder<Input: Sendable, Output: Sendable>(
    _ inputs: [Input], threads: Int, _ body: @Sendable (Int, Input) -> Output,
    emit: @Sendable (Int, Output) -> Void
  ) {
    let state = Mutex(OrderedDelivery<Output>())
    // The next input to take: an atomic counter, so that taking an input never waits for the
    // lock a worker holds while it emits.
    let taken = Atomic<Int>(0)
    let workers = max(1, min(threads, inputs.count))
    withoutActuallyEscaping(body) { body in
      withoutActuallyEscaping(emit) { emit in
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
          while true {
            let i = taken.wrappingAdd(1, ordering: .relaxed).oldValue
            guard i < inputs.count else { return }
            let output = body(i, inputs[i])
            state.withLock { state in
              state.pending[i] = output
              while let next = state.pending.removeValue(forKey: state.emitted) {
                emit(state.emitted, next)
                state.emitted += 1
              }
            }
          }
        }
      }
    }
  }

  /// The shared state of `forEachInOrder`: the next output to emit, and the outputs finished out
  /// of order.
  private struct OrderedDelivery<Output> {
    var emitted = 0
    var pending: [Int: Output] = [:]
  }

  /// Distinct indices are written by distinct threads; `values()` is read after
  /// `concurrentPerform` returned (which orders every write before it).
  private final class Slots<Value>: @unchecked Sendable {
    private var storage: UnsafeMutableBufferPointer<Value?>

    init(count: Int) {
      storage = .allocate(capacity: count)
      storage.initialize(repeating: nil)
    }

    deinit {
      storage.deinitialize()
      storage.deallocate()
    }

    func set(_ index: Int, _ value: Value) { storage[index] = value }

    func values() -> [Value] {
      storage.map { value in
        guard let value else { preconditionFailure("every slot is written before values() is read") }
        return value
      }
    }
  }
}
