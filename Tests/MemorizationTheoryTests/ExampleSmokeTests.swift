import FairMemJSON
import FairnessStatistics
import Foundation
import MemorizationTheory
import Testing

@Suite struct ExampleSmokeTests {
  static let example = """
    {"groups": ["female", "male"], "classes": ["<=50K", ">50K"],
     "population": [[0.30, 0.10], [0.35, 0.25]],
     "confusion": [[[0.9, 0.1], [0.4, 0.6]], [[0.8, 0.2], [0.2, 0.8]]]}
    """

  @Test func issueExampleAllMetrics() throws {
    let stats = try StatisticsDecoder().decode(Data(Self.example.utf8))
    // SP: infeasible (see SymmetryAndHandExampleTests.handExample for the hand derivation).
    let sp = try MemorizationAnalysis.analyze(stats, metric: .statisticalParity, options: MetricOptions())
    #expect(!sp.feasible && sp.certificate?.verified == true && sp.closedFormAgrees)
    #expect(abs((sp.closedForm.lowerBound ?? .nan) - 0.225) < 1e-12)
    // EOpp and EOdds (K = 2, so EOdds is EOpp on both classes): least mass 0.175 + 0.05 = 0.225
    // by R6, most mass 1 (memorize everything), witnesses verified.
    for metric in [FairnessMetric.equalOpportunity, .equalizedOdds] {
      let answer = try MemorizationAnalysis.analyze(stats, metric: metric, options: MetricOptions())
      #expect(answer.feasible && answer.witnessVerified == true && answer.closedFormAgrees)
      #expect(abs((answer.minMass ?? .nan) - 0.225) < 1e-9)
      #expect(abs((answer.maxMass ?? .nan) - 1) < 1e-9)
      #expect(abs((answer.closedForm.exactMinimum ?? .nan) - 0.225) < 1e-12)
      #expect((answer.residual ?? 1) <= 1e-9)
    }
  }

  @Test func exactCounts() throws {
    let json = #"{"groups":["a","b"],"classes":["0","1"],"counts":[[[50,10],[20,20]],[[70,10],[5,35]]]}"#
    let decoder = StatisticsDecoder()
    let object = try decoder.object(from: Data(json.utf8))
    let stats = try decoder.decode(object: object)
    let exact = try decoder.decodeExact(object: object)
    // N = 220. EOpp by R6: class 0: F_a = 10/60, F_b = 10/80, memorize a: (60/220)(1/4) = 15/220;
    // class 1: F_a = 20/40, F_b = 5/40, memorize a: (40/220)(3/4) = 30/220. Total 45/220 = 9/44.
    let expected: [FairnessMetric: Rational] = [
      .statisticalParity: Rational(3, 44), .equalOpportunity: Rational(9, 44), .equalizedOdds: Rational(9, 44),
    ]
    for metric in FairnessMetric.gapVectors {
      let answer = try MemorizationAnalysis.analyze(
        stats, metric: metric, options: MetricOptions(), exactStatistics: exact)
      #expect(answer.exact?.verified == true, "\(metric): \(answer.exact?.note ?? "no exact answer")")
      #expect(answer.exact?.minMass == expected[metric])
      #expect(answer.exact?.records == expected[metric].map { $0 * Rational(220) })
      #expect(abs((answer.minMass ?? .nan) - expected[metric]!.doubleValue) < 1e-9)
      if metric != .statisticalParity { #expect(answer.exact?.closedFormMinimum == Rational(9, 44)) }
    }
  }
}
