import FairMemJSON
import FairnessStatistics
import Foundation
import LinearProgramming
import MemorizationTheory
import Testing
import _TestSupport

/// Checks every claim one `MemorizationAnswer` makes, by routes independent of the library:
/// witnesses are re-evaluated with the spec formulas (`specEntries`), caps are checked against
/// the statistics, certificates are re-verified by the LP module's own
/// `FarkasCertificate.verify(against:)` on the same linear program, and the closed-form
/// bounds must bracket the LP optima. Returns a list of problems (empty when all hold).
func problems(
  with answer: MemorizationAnswer, statistics stats: PopulationStatistics<Double>, metric: FairnessMetric,
  options: MetricOptions
) -> [String] {
  var problems: [String] = []
  let slack = 1e-8
  let eps = options.tolerance
  let closed = answer.closedForm
  if !answer.closedFormAgrees { problems.append("closedFormAgrees is false") }
  if answer.feasible {
    guard let x = answer.witness, let top = answer.maxWitness, let lo = answer.minMass, let hi = answer.maxMass else {
      return ["feasible answer without witnesses or masses"]
    }
    for (name, w, mass) in [("min", x, lo), ("max", top, hi)] {
      let gap = specLargestGap(stats, w, metric: metric, favorable: options.favorableClass)
      if gap > eps + slack { problems.append("\(name) witness leaves gap \(gap) > eps \(eps)") }
      for a in 0..<stats.groupCount {
        for y in 0..<stats.classCount where w[a][y] < -1e-9 || w[a][y] > stats.cap[a][y] + 1e-9 {
          problems.append("\(name) witness x[\(a)][\(y)] = \(w[a][y]) outside [0, \(stats.cap[a][y])]")
        }
      }
      let sum = w.joined().reduce(0, +)
      if abs(sum - mass) > 1e-9 { problems.append("\(name) mass \(mass) != witness sum \(sum)") }
    }
    if lo > hi + 1e-9 { problems.append("min mass \(lo) > max mass \(hi)") }
    if answer.witnessVerified != true { problems.append("witnessVerified is not true") }
    if let r = answer.residual, r > eps + slack { problems.append("reported residual \(r) > eps") }
    if closed.provesInfeasible { problems.append("closed forms claim infeasible, LP found \(lo)") }
    if let bound = closed.lowerBound, bound > lo + Tolerance.linearProgram {
      problems.append("closed-form lower bound \(bound) > LP min \(lo)")
    }
    if let bound = closed.upperBound, hi > bound + Tolerance.linearProgram {
      problems.append("LP max \(hi) > closed-form upper bound \(bound)")
    }
    if let exact = closed.exactMinimum, abs(exact - lo) > Tolerance.linearProgram {
      problems.append("closed-form exact minimum \(exact) != LP min \(lo)")
    }
    if let exact = closed.exactMaximum, abs(exact - hi) > Tolerance.linearProgram {
      problems.append("closed-form exact maximum \(exact) != LP max \(hi)")
    }
    if answer.certificate != nil { problems.append("feasible answer carries a certificate") }
  } else {
    if answer.witness != nil || answer.minMass != nil { problems.append("infeasible answer carries a witness") }
    if closed.exactMinimum != nil { problems.append("closed form gives a minimum for an infeasible LP") }
    guard let certificate = answer.certificate else {
      problems.append("infeasible answer without certificate")
      return problems
    }
    if !(certificate.gap > 0) { problems.append("certificate gap \(certificate.gap) is not positive") }
    if !certificate.verified { problems.append("certificate not verified") }
    // Independent check by the LP module on the very program the analysis solved.
    let program = MemorizationProgram(statistics: stats, metric: metric, options: options)
    let lp = program.linearProgram(.minimizeMass)
    let independent = FarkasCertificate(rowMultipliers: certificate.multipliers).verify(against: lp)
    if !(independent > 0) { problems.append("LP module's verify gives gap \(independent)") }
    if abs(independent - certificate.gap) > 1e-9 * max(1, abs(independent)) {
      problems.append("theory gap \(certificate.gap) vs LP module gap \(independent)")
    }
    if certificate.multipliers.count != program.entries.count { problems.append("one multiplier per row expected") }
  }
  return problems
}
