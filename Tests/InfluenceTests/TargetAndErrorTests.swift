import DenseLinearAlgebra
import FairnessModels
import Influence
import SeededRandom
import Testing
import _TestSupport

@Suite("Fairness targets, errors and damping")
struct TargetAndErrorTests {
  static let kinds: [FairnessTarget.Kind] = [
    .demographicParity, .equalOpportunity, .equalizedOdds, .truePositiveRate(group: 1), .trueNegativeRate(group: 0),
    .truePositiveRateGap, .trueNegativeRateGap,
  ]

  func finiteDifferenceCheck(_ target: FairnessTarget, _ model: some DifferentiableClassifier, block: ParameterBlock)
    -> Double
  {
    let analytic = target.gradient(model, block: block)
    let range = model.parameterRange(for: block)
    var numeric: [Double] = []
    let h = 1e-6
    for (k, j) in range.enumerated() {
      _ = k
      var plus = model
      var minus = model
      var tp = model.parameters
      var tm = model.parameters
      tp[j] += h
      tm[j] -= h
      plus.parameters = tp
      minus.parameters = tm
      numeric.append((target.value(plus) - target.value(minus)) / (2 * h))
    }
    let diff = zip(analytic, numeric).map { abs($0 - $1) }.max()!
    return diff / max(VectorMath.maxAbsoluteValue(numeric), 1e-3)
  }

  @Test func targetGradientsMatchFiniteDifferences() throws {
    setThreadCount(1)
    var generator = TestSeed.generator(default: 6101)
    let train = GroupedProblem(rows: 120, features: 3, using: &generator)
    let validation = GroupedProblem(rows: 80, features: 3, using: &generator)
    let lr = try fittedLogistic(train.x, train.labels, l2: 1e-2)
    var mlp = MLPClassifier(
      featureCount: 3, hiddenWidth: 5, classCount: 2, activation: .selu, l2Strength: 1e-3, using: &generator)
    mlp.parameters = mlp.parameters.map { $0 + 0.1 * generator.nextStandardNormal() }
    for relaxation in [SmoothSurrogate.softmax, .gumbel(temperature: 0.7, seed: 3)] {
      for kind in Self.kinds {
        let target = try FairnessTarget(
          kind: kind, features: validation.x, labels: validation.labels, groups: validation.groups,
          relaxation: relaxation
        ).oriented(positiveAt: lr)
        let eLR = finiteDifferenceCheck(target, lr, block: .all)
        let eLast = finiteDifferenceCheck(target, mlp, block: .lastLayer)
        let eAll = finiteDifferenceCheck(target, mlp, block: .all)
        print("[target-fd] \(kind) \(relaxation): LR \(eLR), MLP last \(eLast), MLP all \(eAll)")
        #expect(eLR < 1e-6 && eLast < 1e-6 && eAll < 1e-6, "\(kind) \(relaxation)")
      }
    }
  }

  @Test func orientationAndDefinitions() throws {
    var generator = TestSeed.generator(default: 6201)
    let validation = GroupedProblem(rows: 200, features: 3, using: &generator)
    let train = GroupedProblem(rows: 200, features: 3, using: &generator)
    let model = try fittedLogistic(train.x, train.labels, l2: 1e-2)
    let p = model.probabilities(validation.x)
    func mean(_ rows: [Int]) -> Double { rows.map { p[$0, 1] }.reduce(0, +) / Double(rows.count) }
    let idx = Array(0..<200)
    let g0 = idx.filter { validation.groups[$0] == 0 }
    let g1 = idx.filter { validation.groups[$0] == 1 }
    let dpRaw = mean(g0) - mean(g1)
    let dp = try FairnessTarget(
      kind: .demographicParity, features: validation.x, labels: validation.labels, groups: validation.groups)
    #expect(abs(dp.value(model) - dpRaw) < 1e-14)
    #expect(abs(dp.oriented(positiveAt: model).value(model) - abs(dpRaw)) < 1e-14)
    let gap1 = mean(g0.filter { validation.labels[$0] == 1 }) - mean(g1.filter { validation.labels[$0] == 1 })
    let gap0 = mean(g0.filter { validation.labels[$0] == 0 }) - mean(g1.filter { validation.labels[$0] == 0 })
    let eo = try FairnessTarget(
      kind: .equalizedOdds, features: validation.x, labels: validation.labels, groups: validation.groups)
    #expect(abs(eo.oriented(positiveAt: model).value(model) - (abs(gap0) + abs(gap1))) < 1e-14)
    let tnr0 = try FairnessTarget(
      kind: .trueNegativeRate(group: 0), features: validation.x, labels: validation.labels, groups: validation.groups)
    let neg0 = g0.filter { validation.labels[$0] == 0 }
    #expect(abs(tnr0.value(model) - neg0.map { 1 - p[$0, 1] }.reduce(0, +) / Double(neg0.count)) < 1e-14)
  }

  @Test func equalOpportunityWithoutPositivesThrowsNamingTheGroup() throws {
    var generator = TestSeed.generator(default: 6301)
    let v = GroupedProblem(rows: 50, features: 2, using: &generator)
    // Group 1 keeps only negatives.
    let labels = zip(v.labels, v.groups).map { $1 == 1 ? 0 : $0 }
    #expect(
      throws: InfluenceError.undefinedTarget(
        reason: "equalOpportunity needs validation rows with label 1 (favorable) in group 1; there are none")
    ) {
      try FairnessTarget(kind: .equalOpportunity, features: v.x, labels: labels, groups: v.groups)
    }
    // DP is still defined.
    _ = try FairnessTarget(kind: .demographicParity, features: v.x, labels: labels, groups: v.groups)
  }

  @Test func singularHessianIsDampedAndReported() throws {
    setThreadCount(1)
    var generator = TestSeed.generator(default: 6401)
    let base = GroupedProblem(rows: 100, features: 2, using: &generator)
    // Duplicate feature 0 and use λ = 0: H has an exact null direction (e0 − e1).
    var e: [Double] = []
    for i in 0..<100 { e += [base.x[i, 0], base.x[i, 0], base.x[i, 1]] }
    let x = Matrix(rows: 100, columns: 3, elements: e)
    var model = MultinomialLogisticRegression(featureCount: 3, classCount: 2, l2Strength: 0)
    model.parameters = [0.3, 0.3, -0.5, 0.1]
    let engine = try InfluenceEngine(model: model, features: x, labels: base.labels, block: .all)
    let r = try engine.inverseHessianVectorProduct([1, 0, 0, 0])
    print("[damping] added \(r.dampingAdded): \(r.dampingReason ?? "-")")
    #expect(r.dampingAdded > 0)
    #expect(r.dampingReason != nil)
    let finite = r.vector.allSatisfy { $0.isFinite }
    #expect(finite)
    // A vector in the range of H is solved accurately despite the damping.
    let inRange = engine.hessianVectorProduct([1, -2, 0.5, 0.2])
    let s = try engine.inverseHessianVectorProduct(inRange)
    #expect(s.residual < 1e-4)
  }

  @Test func iterativeFailuresThrow() throws {
    setThreadCount(1)
    var generator = TestSeed.generator(default: 6501)
    let problem = GroupedProblem(rows: 100, features: 4, using: &generator)
    let model = try fittedLogistic(problem.x, problem.labels, l2: 1e-3)
    let engine = try InfluenceEngine(
      model: model, features: problem.x, labels: problem.labels, block: .all,
      method: .conjugateGradient(tolerance: 1e-14, maxIterations: 2))
    let v = [1.0, -1, 0.5, 0.2, 0.3]
    #expect(throws: InfluenceError.self) { try engine.inverseHessianVectorProduct(v) }
    do {
      _ = try engine.inverseHessianVectorProduct(v)
    } catch {
      guard case .didNotConverge(_, let iterations, let residual) = error else {
        Issue.record("\(error)")
        return
      }
      #expect(iterations == 2 && residual > 1e-14)
    }
    // LiSSA with scale far below λ_max(H) diverges and throws instead of returning garbage.
    #expect(throws: InfluenceError.self) {
      try engine.inverseHessianVectorProduct(
        v, method: .lissa(damping: 0, scale: 1e-3, depth: 500, repeats: 1, batchSize: 100, seed: 1))
    }
    #expect(throws: InfluenceError.shapeMismatch("vector has length 2, block has 5 parameters")) {
      try engine.inverseHessianVectorProduct([1, 2])
    }
  }

  @Test func diagonalFisherMatchesItsDefinition() throws {
    setThreadCount(1)
    var generator = TestSeed.generator(default: 6601)
    let problem = GroupedProblem(rows: 90, features: 3, using: &generator)
    let model = try fittedLogistic(problem.x, problem.labels, l2: 1e-2)
    let weights = (0..<90).map { _ in Double.random(in: 0.5..<2, using: &generator) }
    let engine = try InfluenceEngine(
      model: model, features: problem.x, labels: problem.labels, weights: weights, block: .all)
    let total = weights.reduce(0, +)
    let v = [0.4, -1.0, 2.0, 0.5]
    let damping = 1e-3
    let r = try engine.inverseHessianVectorProduct(v, method: .diagonalFisher(damping: damping))
    for j in 0..<4 {
      var f = 0.0
      for i in 0..<90 {
        let g = model.perSampleGradients(problem.x.rows([i]), labels: [problem.labels[i]]).row(0)[j]
        f += weights[i] / total * g * g
      }
      #expect(abs(r.vector[j] - v[j] / (f + damping)) <= 1e-12 * abs(r.vector[j]))
    }
    #expect(r.dampingAdded == damping)
  }

  @Test func mlpLastLayerMethodsAgree() throws {
    setThreadCount(1)
    var generator = TestSeed.generator(default: 6701)
    let problem = GroupedProblem(rows: 200, features: 4, using: &generator)
    var mlp = MLPClassifier(
      featureCount: 4, hiddenWidth: 8, classCount: 2, activation: .selu, l2Strength: 1e-3, using: &generator)
    _ = try mlp.fit(
      problem.x, labels: problem.labels, options: MLPTrainingOptions(epochs: 30, batchSize: 32), using: &generator)
    for block in [ParameterBlock.lastLayer, .all] {
      let engine = try InfluenceEngine(
        model: mlp, features: problem.x, labels: problem.labels, block: block,
        method: .conjugateGradient(tolerance: 1e-10, maxIterations: 500))
      let report = try engine.approximationReport(
        methods: [.conjugateGradient(tolerance: 1e-10, maxIterations: 500)], vectorCount: 2, seed: 5)
      print(
        "[mlp] \(block): exact damping \(report.exactDamping), CG rel.err \(report.entries[0].relativeErrors) \(report.entries[0].failures)"
      )
      if report.exactDamping == 0 { #expect(report.entries[0].maxRelativeError < 1e-6) }
    }
  }
}
