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
    for metric in FairnessMetric.allCases {
      let answer = try MemorizationAnalysis.analyze(stats, metric: metric, options: MetricOptions())
      print(metric, answer.feasible, answer.minMass as Any, answer.maxMass as Any, answer.residual as Any, answer.closedForm.exactMinimum as Any, answer.closedForm.lowerBound as Any, answer.closedFormAgrees, answer.certificate as Any)
      #expect(answer.closedFormAgrees)
    }
  }

  @Test func exactCounts() throws {
    let json = #"{"groups":["a","b"],"classes":["0","1"],"counts":[[[50,10],[20,20]],[[70,10],[5,35]]]}"#
    let decoder = StatisticsDecoder()
    let object = try decoder.object(from: Data(json.utf8))
    let stats = try decoder.decode(object: object)
    let exact = try decoder.decodeExact(object: object)
    for metric in FairnessMetric.allCases {
      let answer = try MemorizationAnalysis.analyze(stats, metric: metric, options: MetricOptions(), exactStatistics: exact)
      print(metric, answer.minMass as Any, answer.exact?.minMass as Any, answer.exact?.verified as Any, answer.exact?.note as Any, answer.exact?.closedFormMinimum as Any)
    }
  }
}
