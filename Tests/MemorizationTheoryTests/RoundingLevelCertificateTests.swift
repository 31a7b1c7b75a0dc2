import FairMemJSON
import FairnessStatistics
import Foundation
import LinearProgramming
import MemorizationTheory
import Testing
import _TestSupport

/// A Farkas certificate whose gap is at the level of rounding is not a proof (Docs/theory.md,
/// Discrepancies, item 8): memorizing the whole population always reaches zero EOdds, yet on this
/// instance (`Tests/Golden/inputs/sweep-instances.jsonl`, id 34) GLPK's exact simplex on the
/// rounded coefficients reports the zero-tolerance program infeasible with a gap of about 1e-16.
@Suite("Rounding-level certificates")
struct RoundingLevelCertificateTests {
  static let instance = """
    {"groups": ["g0", "g1"], "classes": ["0", "1", "2"],
     "population": [[0.054794, 0.178082, 0.041096], [0.273973, 0.232877, 0.219178]],
     "confusion": [[[0.837209, 0.023256, 0.139535], [0.090909, 0.69697, 0.212121], [0.243243, 0.243243, 0.513514]],
                   [[0.227273, 0.409091, 0.363636], [0.125, 0.583333, 0.291667], [0.205128, 0.051282, 0.74359]]]}
    """

  @Test("the LP route answers feasible, with a witness R0 accepts, where the closed form (R7) does")
  func eoddsAtTheEdge() throws {
    let stats = try StatisticsDecoder().decode(Data(Self.instance.utf8))
    let options = MetricOptions()
    let lp = try MemorizationAnalysis.analyze(stats, metric: .equalizedOdds, options: options)
    let closed = try MemorizationAnalysis.analyze(
      stats, metric: .equalizedOdds, options: options, route: .closedFormWhereExact)
    #expect(closed.feasible)
    #expect(lp.feasible, "notes: \(lp.notes)")
    #expect(lp.witnessVerified == true)
    #expect(lp.certificate == nil)
    // Witnesses re-checked by the spec formulas, at the tolerance the answer states (1e-8).
    #expect(lp.options.tolerance == MemorizationAnswer.witnessTolerance)
    let found = problems(with: lp, statistics: stats, metric: .equalizedOdds, options: lp.options)
    #expect(found.isEmpty, "\(found)")
    #expect(lp.notes.contains { $0.contains("level of rounding") })
    // Every certificate that survives says more than rounding noise.
    if let certificate = lp.certificate, certificate.verified {
      #expect(certificate.gap > MemorizationAnswer.witnessTolerance)
    }
  }
}
