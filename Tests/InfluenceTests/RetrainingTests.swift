import DenseLinearAlgebra
import FairnessModels
import Influence
import SeededRandom
import Testing
import _TestSupport

/// Influence predictions against actual retraining (logistic regression, Newton to ‖∇J‖ ≤ 1e-13).
@Suite("Influence vs retraining")
struct RetrainingTests {
  @Test func leaveOneOutMatchesInfluence() throws {
    setThreadCount(1)
    var generator = TestSeed.generator(default: 5201)
    let n = 150
    let problem = GroupedProblem(rows: n, features: 4, using: &generator)
    let validation = GroupedProblem(rows: 400, features: 4, using: &generator)
    let lambda = 1e-2
    let model = try fittedLogistic(problem.x, problem.labels, l2: lambda)
    let engine = try InfluenceEngine(model: model, features: problem.x, labels: problem.labels, block: .all)

    // Target 1: the loss at one test point. Target 2: the DP surrogate on the validation split.
    let testX = validation.x.rows([0])
    let testY = [validation.labels[0]]
    let lossGradient = model.perSampleGradients(testX, labels: testY, block: .all).row(0)
    let dp = try FairnessTarget(
      kind: .demographicParity, features: validation.x, labels: validation.labels, groups: validation.groups
    ).oriented(positiveAt: model)
    let lossInfluence = try engine.influence(of: lossGradient)
    let dpInfluence = try engine.influence(on: dp)
    // Two more targets: seed 001's equalized odds and FairIF's Gumbel-softmax TPR gap.
    let others = [
      try FairnessTarget(
        kind: .equalizedOdds, features: validation.x, labels: validation.labels, groups: validation.groups
      )
      .oriented(positiveAt: model),
      try FairnessTarget(
        kind: .truePositiveRateGap, features: validation.x, labels: validation.labels, groups: validation.groups,
        relaxation: .gumbel(temperature: 1, seed: 9)),
    ]
    let otherInfluence = try others.map { t throws(InfluenceError) in try engine.influence(on: t) }
    let otherBase = others.map { $0.value(model) }
    var otherActual: [[Double]] = [[], []]

    var actualLoss: [Double] = []
    var actualDP: [Double] = []
    let baseLoss = model.perSampleLosses(testX, labels: testY)[0]
    let baseDP = dp.value(model)
    for i in 0..<n {
      var w = Array(repeating: 1.0, count: n)
      w[i] = 0
      // Fixed-regularization convention: refit with λ·n/Σw.
      var refit = model
      refit.l2Strength = engine.refitL2Strength(forWeights: w)
      let report = try refit.fit(
        problem.x, labels: problem.labels, weights: w, options: LogisticRegressionFitOptions(gradientTolerance: 1e-13))
      #expect(report.converged)
      actualLoss.append(refit.perSampleLosses(testX, labels: testY)[0] - baseLoss)
      actualDP.append(dp.value(refit) - baseDP)
      for t in others.indices { otherActual[t].append(others[t].value(refit) - otherBase[t]) }
    }
    // Removing point i is Δw_i = −1, so the predicted change is −I_i.
    let predictedLoss = lossInfluence.map { -$0 }
    let predictedDP = dpInfluence.map { -$0 }
    let rLoss = pearson(predictedLoss, actualLoss)
    let rDP = pearson(predictedDP, actualDP)
    // Slope of actual on predicted (1 if the scale is right).
    let slope = VectorMath.dot(predictedDP, actualDP) / VectorMath.dot(predictedDP, predictedDP)
    print("[loo] pearson loss \(rLoss), pearson DP \(rDP), DP slope actual/predicted \(slope), F(θ̂) = \(baseDP)")
    #expect(rLoss >= 0.99)
    #expect(rDP >= 0.99)
    #expect(abs(slope - 1) < 0.1)
    for t in others.indices {
      let r = pearson(otherInfluence[t].map { -$0 }, otherActual[t])
      print("[loo] pearson \(others[t].kind) \(others[t].relaxation): \(r)")
      #expect(r >= 0.99)
    }
  }

  @Test(arguments: [RefitConvention.fixedRegularization, .modelObjective])
  func editedModelAgreesWithWeightedRefitToFirstOrder(convention: RefitConvention) throws {
    setThreadCount(1)
    var generator = TestSeed.generator(default: 5301)
    let n = 120
    let problem = GroupedProblem(rows: n, features: 3, using: &generator)
    let model = try fittedLogistic(problem.x, problem.labels, l2: 1e-2)
    let engine = try InfluenceEngine(
      model: model, features: problem.x, labels: problem.labels, block: .all, convention: convention)
    let direction = (0..<n).map { _ in generator.nextStandardNormal() }
    let ratios = try editVersusRefitRatios(
      engine: engine, model: model, problem: problem, label: "[ij] \(convention)",
      adjustsRegularization: convention == .fixedRegularization
    ) { epsilon in direction.map { max(1 + epsilon * $0, 0) } }
    // First order: the relative error shrinks proportionally to ε (factor 10 here; allow 5).
    #expect(ratios[0] < 0.2)
    #expect(ratios[1] < ratios[0] / 5)
  }

  /// Non-unit base weights w⁰: W₀ = Σ w⁰ replaces n everywhere.
  @Test func weightedBaseModelEditMatchesRefit() throws {
    setThreadCount(1)
    var generator = TestSeed.generator(default: 5351)
    let n = 100
    let problem = GroupedProblem(rows: n, features: 3, using: &generator)
    let base = (0..<n).map { _ in Double.random(in: 0.5..<2, using: &generator) }
    let model = try fittedLogistic(problem.x, problem.labels, l2: 1e-2, weights: base)
    let engine = try InfluenceEngine(
      model: model, features: problem.x, labels: problem.labels, weights: base, block: .all)
    #expect(abs(engine.totalWeight - base.reduce(0, +)) < 1e-12)
    let direction = (0..<n).map { _ in generator.nextStandardNormal() }
    let ratios = try editVersusRefitRatios(
      engine: engine, model: model, problem: problem, label: "[ij-weighted]", adjustsRegularization: true
    ) { epsilon in zip(base, direction).map { max($0 + epsilon * $1, 0) } }
    #expect(ratios[0] < 0.2)
    #expect(ratios[1] < ratios[0] / 5)
  }

  /// seed-algorithms.md §1.3: n = 600, d = 5, DP surrogate; drop-K (K = 30) predicted ΔF ≈
  /// IJ-edited ΔF, refit within ~50%; I-JACK at 0.5·λ₀ predicted ≈ refit.
  @Test func seedReferenceDropKAndIJack() throws {
    setThreadCount(1)
    var generator = TestSeed.generator(default: 5401)
    let n = 600
    let problem = GroupedProblem(rows: n, features: 5, using: &generator)
    let validation = GroupedProblem(rows: 600, features: 5, using: &generator)
    let model = try fittedLogistic(problem.x, problem.labels, l2: 1e-2)
    let engine = try InfluenceEngine(model: model, features: problem.x, labels: problem.labels, block: .all)
    let dp = try FairnessTarget(
      kind: .demographicParity, features: validation.x, labels: validation.labels, groups: validation.groups
    ).oriented(positiveAt: model)
    let f0 = dp.value(model)
    let influence = try engine.influence(on: dp)

    // Drop-K: the K largest positive influences.
    let order = influence.indices.sorted { influence[$0] > influence[$1] }
    var w = Array(repeating: 1.0, count: n)
    for i in order.prefix(30) where influence[i] > 0 { w[i] = 0 }
    let dw = w.map { $0 - 1 }
    let predicted = InfluenceEngine<MultinomialLogisticRegression>.predictedChange(
      influence: influence, weightChange: dw)
    let edited = dp.value(try engine.editedModel(weights: w)) - f0
    var refit = model
    refit.l2Strength = engine.refitL2Strength(forWeights: w)
    _ = try refit.fit(
      problem.x, labels: problem.labels, weights: w, options: LogisticRegressionFitOptions(gradientTolerance: 1e-13))
    let refitChange = dp.value(refit) - f0
    print("[seed-ref] F(θ̂) = \(f0); drop-K: predicted \(predicted), IJ-edited \(edited), refit \(refitChange)")
    #expect(f0 > 0 && predicted < 0)
    #expect(abs(edited - predicted) <= 0.1 * abs(predicted))
    #expect(abs(refitChange - predicted) <= 0.5 * abs(refitChange))

    // I-JACK: w = 1 − λ I with λ = 0.5·λ₀, λ₀ = F/‖I‖².
    let lambda0 = f0 / VectorMath.dot(influence, influence)
    let wJack = influence.map { 1 - 0.5 * lambda0 * $0 }
    let clipped = wJack.map { max($0, 0) }
    let predictedJack = -0.5 * lambda0 * VectorMath.dot(influence, influence)
    var refitJack = model
    refitJack.l2Strength = engine.refitL2Strength(forWeights: clipped)
    _ = try refitJack.fit(
      problem.x, labels: problem.labels, weights: clipped,
      options: LogisticRegressionFitOptions(gradientTolerance: 1e-13))
    let refitJackChange = dp.value(refitJack) - f0
    print("[seed-ref] I-JACK 0.5·λ₀: predicted \(predictedJack), refit \(refitJackChange), min weight \(wJack.min()!)")
    #expect(abs(refitJackChange - predictedJack) <= 0.25 * abs(predictedJack))
  }
}

/// For ε = 0.2 and 0.02: the relative distance `‖θ_IJ − θ_refit‖ / ‖θ_refit − θ̂‖` between the IJ
/// edit and a weighted refit at weights `weights(ε)` (first order: it shrinks like ε).
private func editVersusRefitRatios(
  engine: InfluenceEngine<MultinomialLogisticRegression>, model: MultinomialLogisticRegression,
  problem: GroupedProblem, label: String, adjustsRegularization: Bool, weights: (Double) -> [Double]
) throws -> [Double] {
  var ratios: [Double] = []
  for epsilon in [0.2, 0.02] {
    let w = weights(epsilon)
    let edited = try engine.editedModel(weights: w)
    var refit = model
    if adjustsRegularization { refit.l2Strength = engine.refitL2Strength(forWeights: w) }
    _ = try refit.fit(
      problem.x, labels: problem.labels, weights: w, options: LogisticRegressionFitOptions(gradientTolerance: 1e-13))
    let change = VectorMath.norm(zip(refit.parameters, model.parameters).map { $0 - $1 })
    let error = VectorMath.norm(zip(refit.parameters, edited.parameters).map { $0 - $1 })
    ratios.append(error / change)
    print("\(label) ε=\(epsilon): ‖θ_refit − θ̂‖ = \(change), ‖θ_IJ − θ_refit‖ = \(error)")
  }
  return ratios
}
