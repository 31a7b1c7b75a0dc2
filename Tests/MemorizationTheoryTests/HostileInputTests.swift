import FairMemJSON
import FairnessStatistics
import Foundation
import LinearProgramming
import MemorizationTheory
import Testing
import _TestSupport

/// Inputs an attacker (or an intersectional audit) produces: tiny cells, many names, many groups.
@Suite("Hostile and large inputs: theory")
struct HostileInputTests {
  /// A valid population with one subnormal cell (5e-324), which used to give "coefficient inf"
  /// (exit 3) for EOpp/EOdds.
  static let subnormal = """
    {"groups": ["x", "y"], "classes": ["0", "1"],
     "population": [[5e-324, 0.5], [0.25, 0.25]],
     "confusion": [[[0.7, 0.3], [0.1, 0.9]], [[0.5, 0.5], [0.4, 0.6]]]}
    """

  @Test("a subnormal cell is treated as zero mass with a note; every metric is answered and checked")
  func subnormalCell() throws {
    let stats = try StatisticsDecoder().decode(Data(Self.subnormal.utf8))
    #expect(stats.population[0][0] == 0)
    #expect(stats.cellIsEmpty(0, 0))
    #expect(stats.notes.contains { $0.contains("below the smallest normal double") })
    for metric in FairnessMetric.gapVectors {
      for options in [MetricOptions(), MetricOptions(tolerance: 0.01)] {
        let answer = try MemorizationAnalysis.analyze(stats, metric: metric, options: options)
        let found = problems(with: answer, statistics: stats, metric: metric, options: options)
        #expect(found.isEmpty, "\(metric) \(options): \(found)")
        for entry in stats.allEntries(for: metric, options: options) {
          #expect(stats.entryForm(entry).terms.allSatisfy { $0.coefficient.isFinite })
        }
      }
    }
  }

  @Test("the smallest normal cell mass keeps finite coefficients")
  func smallestNormalCell() throws {
    let text = Self.subnormal.replacingOccurrences(of: "5e-324", with: "2.3e-308")
    let stats = try StatisticsDecoder().decode(Data(text.utf8))
    #expect(stats.population[0][0] == 2.3e-308)
    for metric in FairnessMetric.gapVectors {
      let program = MemorizationProgram(statistics: stats, metric: metric, options: MetricOptions(tolerance: 0.01))
      let lp = program.linearProgram(.minimizeMass, variables: .cellFractions)
      #expect(lp.constraints.allSatisfy { $0.terms.allSatisfy { $0.coefficient.isFinite } })
      _ = try MemorizationAnalysis.analyze(stats, metric: metric, options: MetricOptions(tolerance: 0.01))
    }
  }

  @Test("100,000 group names (all distinct, or one repeated at the end) are checked in linear time")
  func manyNames() throws {
    let count = 100_000
    var names = (0..<count).map { "g\($0)" }
    let clock = ContinuousClock()
    for repeated in [false, true] {
      if repeated { names[count - 1] = "g0" }
      let object: [String: Any] = [
        "groups": names, "classes": ["0", "1"], "population": [[0.5, 0.5]], "confusion": [[[1, 0], [0, 1]]],
      ]
      let start = clock.now
      let error = #expect(throws: StatisticsError.self) { try StatisticsDecoder().decode(object: object) }
      let elapsed = clock.now - start
      #expect(error?.field == (repeated ? "groups[\(count - 1)]" : "population"))
      // Quadratic checking took 17-20 s in release builds; linear is milliseconds (debug build here).
      #expect(elapsed < .seconds(2), "took \(elapsed)")
    }
  }
}
