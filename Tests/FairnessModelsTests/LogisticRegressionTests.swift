import DenseLinearAlgebra
import FairnessModels
import Testing
import _TestSupport

#if canImport(Glibc)
  import Glibc
#endif

@Suite("Multinomial logistic regression")
struct LogisticRegressionTests {
  /// A model with random (non-optimal) parameters, so derivatives are checked away from the optimum.
  func randomModel(
    features d: Int, classes k: Int, l2: Double, penalizesIntercept: Bool = false,
    using generator: inout some RandomNumberGenerator
  ) -> MultinomialLogisticRegression {
    var model = MultinomialLogisticRegression(
      featureCount: d, classCount: k, l2Strength: l2, penalizesIntercept: penalizesIntercept)
    model.parameters = randomVector(model.parameterCount, using: &generator).map { 0.5 * $0 }
    return model
  }

  @Test(arguments: [2, 3])
  func gradientMatchesFiniteDifferences(classes k: Int) {
    var generator = TestSeed.generator(default: 101 + UInt64(k))
    let data = SyntheticData(rows: 40, features: 3, classes: k, using: &generator)
    let model = randomModel(features: 3, classes: k, l2: 0.3, using: &generator)
    let analytic = model.gradient(data.x, labels: data.labels, weights: data.weights)
    let numeric = centralDifferences(at: model.parameters, step: DerivativeTolerance.step) { theta in
      var m = model
      m.parameters = theta
      return m.loss(data.x, labels: data.labels, weights: data.weights)
    }
    #expect(
      mismatch(analytic, numeric, absolute: DerivativeTolerance.absolute, relative: DerivativeTolerance.relative) == nil
    )
  }

  @Test(arguments: [2, 4])
  func hessianMatchesFiniteDifferencesOfGradientAndHVP(classes k: Int) {
    var generator = TestSeed.generator(default: 201 + UInt64(k))
    let data = SyntheticData(rows: 30, features: 3, classes: k, using: &generator)
    let model = randomModel(features: 3, classes: k, l2: 0.2, penalizesIntercept: k == 4, using: &generator)
    let h = model.hessian(data.x, labels: data.labels, weights: data.weights)
    #expect(h.isSymmetric(tolerance: 1e-14))
    let p = model.parameterCount
    for j in 0..<p {
      var unit = Array(repeating: 0.0, count: p)
      unit[j] = 1
      let numeric = directionalDifference(at: model.parameters, direction: unit, step: DerivativeTolerance.step) {
        theta in
        var m = model
        m.parameters = theta
        return m.gradient(data.x, labels: data.labels, weights: data.weights)
      }
      #expect(
        mismatch(h.column(j), numeric, absolute: DerivativeTolerance.absolute, relative: DerivativeTolerance.relative)
          == nil, "column \(j)")
    }
    let v = randomVector(p, using: &generator)
    let hvp = model.hessianVectorProduct(data.x, labels: data.labels, weights: data.weights, vector: v)
    #expect(mismatch(hvp, h.applied(to: v), absolute: 1e-13, relative: 1e-12) == nil)
    // The protocol's generic HVP-built Hessian agrees with the closed form.
    let generic = Matrix(
      rows: p, columns: p,
      elements: (0..<p).flatMap { j -> [Double] in
        var unit = Array(repeating: 0.0, count: p)
        unit[j] = 1
        return model.hessianVectorProduct(data.x, labels: data.labels, weights: data.weights, vector: unit)
      })
    #expect(mismatch(generic.elements, h.elements, absolute: 1e-13, relative: 1e-12) == nil)
  }

  @Test func perSampleGradientsAverageToTheGradient() {
    var generator = TestSeed.generator(default: 301)
    let data = SyntheticData(rows: 25, features: 4, classes: 3, using: &generator)
    let model = randomModel(features: 4, classes: 3, l2: 0.5, using: &generator)
    let g = model.perSampleGradients(data.x, labels: data.labels)
    #expect(g.rows == 25 && g.columns == model.parameterCount)
    let total = data.weights.reduce(0, +)
    var mean = g.transposeApplied(to: data.weights.map { $0 / total })
    let mask = model.penaltyMask(for: .all)
    for j in mean.indices { mean[j] += 0.5 * mask[j] * model.parameters[j] }
    let gradient = model.gradient(data.x, labels: data.labels, weights: data.weights)
    #expect(mismatch(mean, gradient, absolute: 1e-14, relative: 1e-12) == nil)
    // Each row is the finite-difference gradient of its own loss.
    let row = 7
    let numeric = centralDifferences(at: model.parameters, step: DerivativeTolerance.step) { theta in
      var m = model
      m.parameters = theta
      return m.perSampleLosses(data.x.rows([row]), labels: [data.labels[row]])[0]
    }
    #expect(
      mismatch(g.row(row), numeric, absolute: DerivativeTolerance.absolute, relative: DerivativeTolerance.relative)
        == nil)
  }

  @Test func probabilitiesAreDistributions() {
    var generator = TestSeed.generator(default: 401)
    let data = SyntheticData(rows: 20, features: 3, classes: 4, using: &generator)
    let model = randomModel(features: 3, classes: 4, l2: 0, using: &generator)
    let p = model.probabilities(data.x)
    for i in 0..<p.rows {
      #expect(abs(p.row(i).reduce(0, +) - 1) < 1e-14)
      #expect(p.row(i).allSatisfy { $0 > 0 })
    }
    #expect(model.predict(data.x).count == 20)
  }

  @Test(arguments: [2, 3])
  func newtonConvergesAndAgreesWithLBFGS(classes k: Int) throws {
    setThreadCount(1)
    var generator = TestSeed.generator(default: 501 + UInt64(k))
    let data = SyntheticData(rows: 200, features: 5, classes: k, using: &generator)
    var newton = MultinomialLogisticRegression(featureCount: 5, classCount: k, l2Strength: 0.01)
    let newtonReport = try newton.fit(data.x, labels: data.labels, weights: data.weights)
    #expect(newtonReport.converged)
    #expect(newtonReport.iterations < 20)
    let g = newton.gradient(data.x, labels: data.labels, weights: data.weights)
    #expect(VectorMath.norm(g) <= 1e-10 * max(1, newtonReport.initialGradientNorm))

    var lbfgs = MultinomialLogisticRegression(featureCount: 5, classCount: k, l2Strength: 0.01)
    let lbfgsReport = try lbfgs.fit(
      data.x, labels: data.labels, weights: data.weights,
      options: LogisticRegressionFitOptions(solver: .lbfgs(memory: 10), maximumIterations: 500))
    #expect(lbfgsReport.converged, "\(lbfgsReport)")
    // Strongly convex objective: ‖θ − θ*‖ <= ‖∇J‖ / μ with μ >= λ = 0.01 on the weights, so
    // gradients of 1e-10 put both within ~1e-8 of the optimum.
    #expect(mismatch(lbfgs.parameters, newton.parameters, absolute: 1e-7) == nil)
    #expect(abs(lbfgsReport.loss - newtonReport.loss) <= 1e-12 * newtonReport.loss)
  }

  @Test func interceptOnlyOptimumIsTheLogOddsOfClassFrequencies() throws {
    // With no features and λ = 0, p(c) at the optimum is the (weighted) class frequency, so
    // b_c = log(n_c / n_0).
    let labels = [0, 0, 0, 1, 1, 2, 2, 2, 2, 2]
    var model = MultinomialLogisticRegression(featureCount: 0, classCount: 3)
    let report = try model.fit(Matrix(rows: 10, columns: 0), labels: labels)
    #expect(report.converged)
    #expect(mismatch(model.parameters, [log(2.0 / 3), log(5.0 / 3)], absolute: 1e-10) == nil)
  }

  @Test func integerWeightTwoEqualsDuplicatingTheRow() throws {
    var generator = TestSeed.generator(default: 601)
    let data = SyntheticData(rows: 30, features: 3, classes: 3, using: &generator)
    var weights = Array(repeating: 1.0, count: 30)
    weights[4] = 2
    var weighted = MultinomialLogisticRegression(featureCount: 3, classCount: 3, l2Strength: 0.05)
    try weighted.fit(data.x, labels: data.labels, weights: weights)
    var duplicated = MultinomialLogisticRegression(featureCount: 3, classCount: 3, l2Strength: 0.05)
    let rows = Array(0..<30) + [4]
    try duplicated.fit(data.x.rows(rows), labels: rows.map { data.labels[$0] })
    #expect(mismatch(weighted.parameters, duplicated.parameters, absolute: 1e-9) == nil)
    #expect(
      abs(
        weighted.loss(data.x, labels: data.labels, weights: weights)
          - duplicated.loss(data.x.rows(rows), labels: rows.map { data.labels[$0] })) < 1e-14)
  }

  @Test func warmStartFromOptimumConvergesImmediately() throws {
    var generator = TestSeed.generator(default: 701)
    let data = SyntheticData(rows: 50, features: 3, classes: 2, using: &generator)
    var model = MultinomialLogisticRegression(featureCount: 3, l2Strength: 0.1)
    try model.fit(data.x, labels: data.labels)
    let again = try model.fit(data.x, labels: data.labels)
    #expect(again.converged && again.iterations <= 1)
  }

  @Test func invalidTrainingDataThrows() {
    var model = MultinomialLogisticRegression(featureCount: 2, classCount: 2)
    let x = Matrix(rows: 2, columns: 2, elements: [1, 2, 3, 4])
    #expect(throws: ModelError.labelOutOfRange(index: 1, label: 2)) { try model.fit(x, labels: [0, 2]) }
    #expect(throws: ModelError.self) { try model.fit(x, labels: [0]) }
    #expect(throws: ModelError.self) { try model.fit(x, labels: [0, 1], weights: [1, -1]) }
    #expect(throws: ModelError.nonFiniteFeatures) {
      try model.fit(Matrix(rows: 1, columns: 2, elements: [.nan, 0]), labels: [0])
    }
  }

  @Test func nonConvergenceIsReported() throws {
    // Perfectly separable data without regularization: no finite optimum.
    let x = Matrix(rows: 4, columns: 1, elements: [-2, -1, 1, 2])
    var model = MultinomialLogisticRegression(featureCount: 1)
    let report = try model.fit(x, labels: [0, 0, 1, 1], options: LogisticRegressionFitOptions(maximumIterations: 5))
    #expect(!report.converged)
    #expect(report.termination == .maximumIterations)
  }

  @Test func labelCountMismatchIsAPrecondition() async {
    await #expect(processExitsWith: .failure) {
      let model = MultinomialLogisticRegression(featureCount: 1)
      _ = model.gradient(Matrix(rows: 2, columns: 1), labels: [0], weights: nil)
    }
  }
}
