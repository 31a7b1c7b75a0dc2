import Foundation
import MemorizationTheory
import Synchronization
import Testing
import _TestSupport

/// `ParallelMap`: outputs in input order whatever the thread count and the finishing order.
@Suite("Parallel map and in-order streaming")
struct ParallelMapTests {
  @Test("forEachInOrder emits every output once, in input order, equal to map's")
  func inOrderDelivery() {
    var rng = TestSeed.generator(default: 0x0DE1_17E5)
    let inputs = (0..<600).map { _ in Int.random(in: 0..<300, using: &rng) }
    // Uneven work (sleeps of 0-299 µs) makes threads finish out of order.
    let body: @Sendable (Int, Int) -> String = { index, delay in
      usleep(UInt32(delay))
      return "\(index):\(delay * 7)"
    }
    let expected = inputs.enumerated().map { "\($0.offset):\($0.element * 7)" }
    for threads in [1, 2, 5] {
      #expect(ParallelMap.map(inputs, threads: threads, body) == expected)
      let emitted = Mutex<[String]>([])
      let positions = Mutex<[Int]>([])
      ParallelMap.forEachInOrder(inputs, threads: threads, body) { index, output in
        positions.withLock { $0.append(index) }
        emitted.withLock { $0.append(output) }
      }
      #expect(positions.withLock { $0 } == Array(inputs.indices), "threads \(threads)")
      #expect(emitted.withLock { $0 } == expected, "threads \(threads)")
    }
    ParallelMap.forEachInOrder([Int](), threads: 3, body) { _, _ in Issue.record("nothing to emit") }
  }

  /// An output is emitted while later inputs are still running: the first input is fast, the
  /// second waits until the first has been emitted (it would wait forever, bounded here by a
  /// deadline, if emission waited for the whole batch).
  @Test("an output leaves before later inputs finish")
  func streamsBeforeTheEnd() {
    let firstEmitted = Mutex(false)
    let sawItInTime = Mutex(false)
    ParallelMap.forEachInOrder([0, 1], threads: 2) { index, _ in
      guard index == 1 else { return index }
      let deadline = Date().addingTimeInterval(10)
      while Date() < deadline {
        if firstEmitted.withLock({ $0 }) {
          sawItInTime.withLock { $0 = true }
          break
        }
        usleep(1000)
      }
      return index
    } emit: { index, _ in
      if index == 0 { firstEmitted.withLock { $0 = true } }
    }
    #expect(sawItInTime.withLock { $0 })
  }
}
