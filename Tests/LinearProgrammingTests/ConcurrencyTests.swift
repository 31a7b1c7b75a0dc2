import Dispatch
import LinearProgramming
import Synchronization
import Testing
import _TestSupport

@Suite("Concurrent solves")
struct ConcurrencyTests {
  /// 200 programs: feasible, infeasible (certificate path) and a few invalid ones (error path),
  /// with every solver configuration.
  static func workload() -> [(LinearProgram, SimplexOptions)] {
    var rng = TestSeed.generator(default: 0x4C50_0005, "ConcurrencyTests.workload")
    var work: [(LinearProgram, SimplexOptions)] = []
    for k in 0..<200 {
      var lp =
        k % 3 == 0 ? RandomPrograms.infeasible(using: &rng) : RandomPrograms.feasible(using: &rng).0
      if k % 50 == 7 { lp.variables[0].objective = .nan }
      work.append((lp, RandomPrograms.options(exactOdds: 10, using: &rng)))
    }
    return work
  }

  static func run(_ item: (LinearProgram, SimplexOptions)) -> Result<LPOutcome, LPFailure> {
    Result { () throws(LPFailure) in try solve(item.0, options: item.1) }
  }

  /// Serial and concurrent runs must agree: GLPK is deterministic for a given thread-local
  /// environment, so the results agree up to rounding (we allow `Tolerance.tight`).
  static func expectSame(
    _ serial: [Result<LPOutcome, LPFailure>], _ parallel: [Result<LPOutcome, LPFailure>?]
  ) {
    #expect(serial.count == parallel.count)
    for (k, (a, b)) in zip(serial, parallel).enumerated() {
      guard let b else {
        Issue.record("item \(k) missing")
        continue
      }
      switch (a, b) {
      case (.success(.optimal(let s)), .success(.optimal(let t))):
        #expect(
          mismatch(
            [s.objective] + s.values + s.rowDuals, [t.objective] + t.values + t.rowDuals,
            absolute: Tolerance.tight) == nil, "item \(k)")
      case (.success(.infeasible(let y)), .success(.infeasible(let z))):
        #expect(
          mismatch(y?.rowMultipliers ?? [], z?.rowMultipliers ?? [], absolute: Tolerance.tight)
            == nil, "item \(k)")
      default:
        #expect(a == b, "item \(k)")
      }
    }
  }

  @Test("DispatchQueue.concurrentPerform over 200 programs matches the serial results")
  func dispatch() {
    let work = Self.workload()
    let serial = work.map(Self.run)
    let results = Mutex([Result<LPOutcome, LPFailure>?](repeating: nil, count: work.count))
    for _ in 0..<3 {
      DispatchQueue.concurrentPerform(iterations: work.count) { k in
        let r = Self.run(work[k])
        results.withLock { $0[k] = r }
      }
      Self.expectSame(serial, results.withLock { $0 })
    }
  }

  @Test("a task group over 200 programs matches the serial results")
  func taskGroup() async {
    let work = Self.workload()
    let serial = work.map(Self.run)
    let parallel = await withTaskGroup(of: (Int, Result<LPOutcome, LPFailure>).self) { group in
      for k in work.indices {
        let item = work[k]
        group.addTask { (k, Self.run(item)) }
      }
      var out = [Result<LPOutcome, LPFailure>?](repeating: nil, count: work.count)
      for await (k, r) in group { out[k] = r }
      return out
    }
    Self.expectSame(serial, parallel)
  }
}
