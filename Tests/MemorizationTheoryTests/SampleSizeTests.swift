import FairMemJSON
import FairnessStatistics
import MemorizationTheory
import Testing

/// Rates with per-cell sample sizes (`sample_sizes`) instead of counts: the same robust answers
/// as the counts they imply, and every bad input rejected with the field named.
@Suite("Sample sizes without counts")
struct SampleSizeTests {
  static let counts = [[[270, 30], [40, 60]], [[280, 70], [50, 200]]]

  /// The rates and per-cell sizes of `counts`, written as a user would (decimal rates).
  static var rates: [String: Any] {
    [
      "groups": ["female", "male"], "classes": ["<=50K", ">50K"],
      "population": [[0.3, 0.1], [0.35, 0.25]],
      "confusion": [[[0.9, 0.1], [0.4, 0.6]], [[0.8, 0.2], [0.2, 0.8]]],
      "sample_sizes": [[300, 100], [350, 250]],
    ]
  }

  static func mutated(_ change: (inout [String: Any]) -> Void) -> [String: Any] {
    var object = rates
    change(&object)
    return object
  }

  @Test("sample sizes give the counts they imply, and the same robust answers")
  func sameAsCounts() throws {
    let fromSizes = try StatisticsDecoder().decode(object: Self.rates)
    #expect(fromSizes.counts == Self.counts)
    #expect(fromSizes.countsOrigin == .sampleSizes)
    let fromCounts = try StatisticsDecoder().decode(object: [
      "groups": ["female", "male"], "classes": ["<=50K", ">50K"], "counts": Self.counts,
    ])
    for metric in FairnessMetric.gapVectors {
      let options = MetricOptions(favorableClass: 1, tolerance: 0.05)
      var sizes = try RobustAnalysis.report(
        fromSizes, metric: metric, options: options, level: 0.95, method: .both, draws: 50, seed: 3)
      let direct = try RobustAnalysis.report(
        fromCounts, metric: metric, options: options, level: 0.95, method: .both, draws: 50, seed: 3)
      #expect(sizes.countsFrom == .sampleSizes)
      sizes.countsFrom = .counts
      #expect(sizes.box?.notes == direct.box?.notes)
      #expect(sizes == direct, "\(metric)")
    }
    // Convention A: the stated law is kept next to the sample sizes.
    let conventionA = try StatisticsDecoder().decode(
      object: Self.mutated { $0["unmemorized_prediction"] = [[0.7, 0.3], [0.5, 0.5]] })
    let report = try RobustAnalysis.report(
      conventionA, metric: .statisticalParity, options: MetricOptions(favorableClass: 1, tolerance: 0.05),
      level: 0.95, method: .box)
    #expect(report.convention == .givenUnmemorized)
  }

  /// Each bad input and the field its error must name.
  static var badInputs: [(String, [String: Any], String)] {
    [
      ("non-integer", mutated { $0["sample_sizes"] = [[300.5, 100], [350, 250]] }, "sample_sizes[0][0]"),
      ("negative", mutated { $0["sample_sizes"] = [[300, -100], [350, 250]] }, "sample_sizes[0][1]"),
      ("not a number", mutated { $0["sample_sizes"] = [[300, "100"], [350, 250]] }, "sample_sizes[0][1]"),
      ("shape: rows", mutated { $0["sample_sizes"] = [[300, 100]] }, "sample_sizes"),
      ("shape: columns", mutated { $0["sample_sizes"] = [[300, 100], [350, 250, 1]] }, "sample_sizes[1]"),
      ("all zero", mutated { $0["sample_sizes"] = [[0, 0], [0, 0]] }, "sample_sizes"),
      (
        "zero where the population is not", mutated { $0["sample_sizes"] = [[300, 0], [350, 250]] },
        "sample_sizes[0][0]"
      ),
      ("population share", mutated { $0["sample_sizes"] = [[310, 100], [340, 250]] }, "sample_sizes[0][0]"),
      (
        "confusion not whole records",
        mutated { $0["confusion"] = [[[0.9, 0.1], [0.405, 0.595]], [[0.8, 0.2], [0.2, 0.8]]] }, "confusion[0][1][0]"
      ),
      (
        "with counts",
        ["groups": ["a", "b"], "classes": ["0", "1"], "counts": counts, "sample_sizes": [[1, 1], [1, 1]]],
        "sample_sizes"
      ),
    ]
  }

  @Test("bad sample sizes: exit-2 errors naming the field")
  func badInput() throws {
    for (name, object, field) in Self.badInputs {
      do {
        _ = try StatisticsDecoder().decode(object: object)
        Issue.record("\(name): expected an error")
      } catch {
        #expect(error.field == field, "\(name): \(error)")
        #expect(error.failureKind == .badInput)
      }
    }
  }

  /// A cell of size 0 (with zero mass) is valid input, but an EOpp entry needs its rate: the
  /// robust answer names `sample_sizes[a][y]`; SP keeps the cell with the interval [0, 1].
  @Test("a zero sample size in a cell the metric needs names sample_sizes[a][y]")
  func zeroCellNeeded() throws {
    let statistics = try StatisticsDecoder().decode(
      object: Self.mutated {
        $0["population"] = [[0.4, 0.0], [0.35, 0.25]]
        $0["sample_sizes"] = [[400, 0], [350, 250]]
      })
    for method in RobustMethod.allCases {
      do {
        _ = try RobustAnalysis.report(
          statistics, metric: .equalOpportunity, options: MetricOptions(favorableClass: 1), level: 0.95,
          method: method, draws: 10)
        Issue.record("expected an error (\(method))")
      } catch let error as StatisticsError {
        #expect(error.field == "sample_sizes[0][1]")
      }
    }
    let sp = try RobustAnalysis.report(
      statistics, metric: .statisticalParity, options: MetricOptions(favorableClass: 1, tolerance: 0.1), level: 0.95,
      method: .box)
    #expect(sp.box?.region.baseRate?[0][1].upper ?? 0 > 0)
  }
}
