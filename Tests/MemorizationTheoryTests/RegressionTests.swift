import FairMemJSON
import FairnessStatistics
import Foundation
import LinearProgramming
import MemorizationTheory
import Testing
import _TestSupport

/// Instances that exposed bugs, kept with the fix.
@Suite("Regressions")
struct RegressionTests {
  /// Found by `capsBelowPopulation` (seed 0xCA90001, instance 689): EOdds with three groups, a
  /// tolerance and caps, infeasible by about 1.7e-7. GLPK's floating dual simplex reported the
  /// least-mass LP "optimal" (row violation 6.4e-8, inside its 1e-7 tolerance) and the most-mass
  /// LP infeasible, and `analyze` trapped on "max-mass LP must be feasible when min-mass LP is".
  /// Now a floating witness that fails the R0 check is re-decided by the exact simplex.
  @Test("borderline-infeasible EOdds instance: no trap, exact re-decision, verified certificate")
  func borderlineEqualizedOdds() throws {
    let stats = PopulationStatistics<Double>(
      groups: ["a", "b", "c"], classes: ["0", "1"],
      population: [
        [0.21816413067458795, 0.11069711026068972], [0.09718745453672487, 0.1827876069929869],
        [0.14112525037240065, 0.25003844716260987],
      ],
      confusion: [
        [[0.6734394314022062, 0.32656056859779375], [0.2911716183500549, 0.7088283816499452]],
        [[0.8007969902699252, 0.19920300973007482], [0.06289481190244801, 0.9371051880975519]],
        [[0.8832344750701043, 0.11676552492989575], [0.2211291185629646, 0.7788708814370354]],
      ],
      cap: [
        [0.21816413067458795, 0.06845773694743014], [0.09718745453672487, 0.15706386485106177],
        [0.12606136914505134, 0.12751860722718758],
      ])
    let options = MetricOptions(tolerance: 0.04820915438068653)
    // The exact simplex says infeasible.
    let program = MemorizationProgram(statistics: stats, metric: .equalizedOdds, options: options)
    let exact = try solve(
      program.linearProgram(.feasibility), options: SimplexOptions(method: .exact, wantsCertificate: false))
    #expect(exact.isInfeasible)
    let answer = try MemorizationAnalysis.analyze(stats, metric: .equalizedOdds, options: options)
    #expect(!answer.feasible)
    let found = problems(with: answer, statistics: stats, metric: .equalizedOdds, options: options)
    #expect(found.isEmpty, "\(found)")
    // Since the LPs are solved over cell fractions (O(1) coefficients) the floating simplex
    // usually decides this instance directly; when it does not, the exact re-decision leaves a
    // note. Either way the answer above must be right and fully checked.
  }

  /// Known limitation, kept visible: a tolerance is a double, and in exact mode it is taken at its
  /// exact dyadic value. 1/30 as a double is 4.6e-19 *below* 1/30, and in these counts an EOpp
  /// entry between groups 1 and 2 is exactly -1/30 (12/15 - 5/6), so the exact program needs an
  /// extra ~1e-19 of memorized mass that no floating solve can see. The exact certification
  /// must then refuse (verified == false, the floating answer stands), never claim a wrong value.
  /// With a tolerance that is not on that edge it certifies.
  @Test("exact mode refuses when the tolerance's double value cuts an entry at 4.6e-19")
  func exactToleranceEdge() throws {
    let n = [[[1, 1], [2, 0]], [[12, 3], [1, 0]], [[5, 1], [4, 0]]]
    let decoder = StatisticsDecoder()
    let stats = try decoder.decode(object: countsObject(n))
    let exact = try decoder.decodeExact(object: countsObject(n))
    #expect(Rational(exactly: 1.0 / 30) < Rational(1, 30))
    let edge = MetricOptions(favorableClass: 0, tolerance: 1.0 / 30)
    let answer = try MemorizationAnalysis.analyze(
      stats, metric: .equalOpportunity, options: edge, exactStatistics: exact)
    #expect(answer.feasible && answer.witnessVerified == true)
    // Either the certification refuses (the floating answer stands), or it found the exact vertex
    // of the exact program: then its witness must pass the exact checks independently here.
    if let exactAnswer = answer.exact, exactAnswer.verified {
      let witness = try #require(exactAnswer.witness)
      let mixture = MixtureRule(exact)
      let eps = Rational(exactly: 1.0 / 30)
      for entry in exact.allEntries(for: .equalOpportunity, options: edge) {
        #expect(mixture.entryValue(entry, memorized: witness).magnitudeValue <= eps)
      }
      #expect(abs((exactAnswer.minMass?.doubleValue ?? .nan) - (answer.minMass ?? .nan)) <= 1e-12)
    } else {
      #expect(answer.exact?.minMass == nil)
    }
    let inside = MetricOptions(favorableClass: 0, tolerance: 0.034)
    let certified = try MemorizationAnalysis.analyze(
      stats, metric: .equalOpportunity, options: inside, exactStatistics: exact)
    #expect(certified.exact?.verified == true, "\(certified.exact?.note ?? "")")
    #expect(abs((certified.exact?.minMass?.doubleValue ?? .nan) - (certified.minMass ?? .nan)) <= 1e-12)
  }
}
