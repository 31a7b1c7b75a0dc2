import FairnessData
import FairnessStatistics
import Mitigation
import OptimalSteering
import SteeringExperiment

/// The human-readable rendering of the steering reports.
enum SteeringText {
  static func render(_ r: SteeringReport) -> String {
    var lines: [String] = []
    lines.append(
      "\(r.intervention.rawValue) steering (reference \(r.reference), KL \(r.direction.rawValue), scale \(r.scale.rawValue), priors \(r.priorTreatment.rawValue))"
    )
    lines.append(
      "  KL of the joint law = \(Format.number(r.kl))   (forward \(Format.number(r.klForward)), reverse \(Format.number(r.klReverse)))"
    )
    if r.gamma.contains(where: { $0 != nil }) {
      lines.append(
        "  γ per group: " + zip(r.groups, r.gamma).map { "\($0)=\(Format.number($1))" }.joined(separator: ", "))
    }
    for (a, summary) in r.newton.enumerated() {
      if let summary {
        lines.append(
          "  Newton (\(r.groups[a])): \(summary.iterations) iterations, gradient norm \(Format.number(summary.gradientNorm)) <= \(Format.number(summary.tolerance))"
        )
      }
    }
    var t = Table(["group", "class", "target prior", "cell KL", "target mean", "target covariance diag"])
    for (a, g) in r.groups.enumerated() {
      for (y, c) in r.classes.enumerated() {
        let diagonal = r.targetCovariances[a][y].enumerated().map { $1[$0] }
        t.add([
          g, c, Format.number(r.targetPriors[a][y]), Format.number(r.cellKL[a][y]),
          vector(r.targetMeans[a][y]), vector(diagonal),
        ])
      }
    }
    lines.append(t.render())
    var checks = Table(["ideal check", "original", "steered"])
    func add(_ name: String, _ f: (IdealCheck) -> Double?) {
      checks.add([name, Format.number(f(r.idealBefore)), Format.number(f(r.idealAfter))])
    }
    add("standardized mean difference (Prop. 3.2 cond. 1)") { $0.standardizedMeanDifference }
    add("covariance ratio (cond. 2)") { $0.covarianceRatio }
    add("base rate difference (cond. 3)") { $0.baseRateDifference }
    add("Mahalanobis difference (rotation-invariant 1)") { $0.mahalanobisDifference }
    add("covariance ratio spectrum (rotation-invariant 2)") { $0.covarianceRatioSpectrum }
    add("Bayes DP gap, max over costs") { $0.bayes.demographicParity }
    add("Bayes EO gap, max over costs") { $0.bayes.equalOpportunity }
    add("Bayes EOdds gap, max over costs") { $0.bayes.equalizedOdds }
    add("Bayes error (0-1 costs)") { $0.bayes.bayesError }
    lines.append(checks.render())
    let bayes = r.idealAfter.bayes
    lines.append(
      bayes.exact
        ? "  Bayes gaps exact (normal CDFs), \(bayes.costCount) cost vectors"
        : "  Bayes gaps by Monte Carlo: \(bayes.samplesPerCell ?? 0) draws per cell, standard error of a gap ≈ \(Format.number(bayes.standardError)), \(bayes.costCount) cost vectors"
    )
    lines.append("  maps T(x) = M x + b per group and class: see --json (key \"map\")")
    for note in r.notes { lines.append("  note: \(note)") }
    return lines.joined(separator: "\n")
  }

  static func render(_ r: SteeringExperimentReport) -> String {
    var lines = [
      "steering \(r.options.dataset.name): \(r.options.splits) split(s) from seed \(r.options.firstSeed), reference \(r.reference), KL \(r.options.direction.rawValue), priors \(r.options.priors.rawValue); mean ± 2 SE on the test split"
    ]
    var t = Table([
      "method", "test map", "accuracy", "DP", "EO (|ΔTPR|)", "EOdds (|ΔTPR|+|ΔFPR|)", "KL (forward)",
      "agrees with oracle",
    ])
    func cell(_ s: SplitSummary) -> String { "\(Format.number(s.mean)) ± \(Format.number(s.twoStandardErrors))" }
    for row in r.rows {
      t.add([
        row.method, row.testMapping.rawValue, cell(row.accuracy), cell(row.dp), cell(row.deo), cell(row.eo),
        row.kl.map(cell) ?? "-", row.agreementWithOracle.map(cell) ?? "-",
      ])
    }
    lines.append(t.render())
    var b = Table(["method", "|Δerr| <= √(2KL)", "ΔEO <= ΔEO(D~) + √(8KL)", "conditional EO bound"])
    for row in r.rows {
      guard let checks = row.transfer else { continue }
      func count(_ f: (TransferBoundCheck) -> Bool?) -> String {
        "\(checks.filter { f($0) == true }.count)/\(checks.count) splits"
      }
      b.add([
        row.method, count { $0.errorBoundHolds }, count { $0.equalOpportunityBoundHolds },
        count { $0.conditionalEqualOpportunityBoundHolds },
      ])
    }
    lines.append("transfer bounds (D = test split, D~ = oracle-mapped test split weighted by q̃/q):")
    lines.append(b.render())
    for note in r.notes { lines.append("  note: \(note)") }
    return lines.joined(separator: "\n")
  }

  static func vector(_ x: [Double]) -> String { "[" + x.map { Format.number($0) }.joined(separator: ", ") + "]" }
}
