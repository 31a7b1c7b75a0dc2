import DenseLinearAlgebra
import FairnessModels
import SeededRandom
import Testing
import _TestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// The factored derivatives of a softmax layer against the explicit per-sample gradients `G` and
/// the Hessian assembled from exact Hessian-vector products.
@Suite("Softmax-layer derivatives without G")
struct SoftmaxLayerDerivativesTests {
  /// Logistic regression (K = 2 and 3, reference class 0) and the MLP last layer (K = 2, 3).
  func cases(using generator: inout SplitMix64) -> [(
    name: String, model: any DifferentiableClassifier, data: SyntheticData, block: ParameterBlock
  )] {
    var result: [(String, any DifferentiableClassifier, SyntheticData, ParameterBlock)] = []
    for k in [2, 3] {
      let data = SyntheticData(rows: 40, features: 4, classes: k, using: &generator)
      var lr = MultinomialLogisticRegression(
        featureCount: 4, classCount: k, l2Strength: 0.05, penalizesIntercept: k == 3)
      lr.parameters = randomVector(lr.parameterCount, using: &generator).map { 0.5 * $0 }
      result.append(("LR K=\(k)", lr, data, .all))
      var mlp = MLPClassifier(
        featureCount: 4, hiddenWidth: 6, classCount: k, activation: .selu, l2Strength: 0.01, using: &generator)
      mlp.outputBiases = randomVector(k, using: &generator).map { 0.3 * $0 }
      result.append(("MLP K=\(k)", mlp, data, .lastLayer))
    }
    return result
  }

  @Test func productsWithGMatchTheExplicitPerSampleGradients() {
    var generator = TestSeed.generator(default: 5101)
    for (name, model, data, block) in cases(using: &generator) {
      let factored = model.softmaxLayerDerivatives(data.x, labels: data.labels, block: block)!
      let g = factored.gradientMatrix()
      #expect(g == model.perSampleGradients(data.x, labels: data.labels, block: block), "\(name)")
      let s = randomVector(g.columns, using: &generator)
      #expect(
        mismatch(factored.gradientsApplied(to: s), g.applied(to: s), absolute: 1e-12, relative: 1e-12) == nil,
        "\(name): G s")
      let c = data.weights
      #expect(
        mismatch(factored.gradientsTransposeApplied(to: c), g.transposeApplied(to: c), absolute: 1e-12, relative: 1e-12)
          == nil, "\(name): Gᵀc")
      var squares = [Double](repeating: 0, count: g.columns)
      for i in 0..<g.rows { for j in 0..<g.columns { squares[j] += c[i] * g[i, j] * g[i, j] } }
      #expect(
        mismatch(factored.squaredGradientsTransposeApplied(to: c), squares, absolute: 1e-12, relative: 1e-12) == nil,
        "\(name): Σ c g⊙g")
      let total = c.reduce(0, +)
      #expect(
        mismatch(
          model.perSampleGradientsTransposeApplied(data.x, labels: data.labels, coefficients: c, block: block),
          g.transposeApplied(to: c), absolute: 1e-12, relative: 1e-12) == nil, "\(name): extension")
      // The data part of ∇J is Gᵀŵ.
      var gradient = g.transposeApplied(to: c.map { $0 / total })
      let mask = model.penaltyMask(for: block)
      let theta = Array(model.parameters[model.parameterRange(for: block)])
      for j in gradient.indices { gradient[j] += model.l2Strength * mask[j] * theta[j] }
      #expect(
        mismatch(
          model.gradient(data.x, labels: data.labels, weights: c, block: block), gradient, absolute: 1e-13,
          relative: 1e-12) == nil, "\(name): ∇J")
    }
  }

  @Test func closedFormHessianMatchesHessianVectorProducts() {
    var generator = TestSeed.generator(default: 5102)
    for (name, model, data, block) in cases(using: &generator) {
      let factored = model.softmaxLayerDerivatives(data.x, labels: data.labels, block: block)!
      let h = factored.hessian(weights: data.weights)
      #expect(h == model.hessian(data.x, labels: data.labels, weights: data.weights, block: block), "\(name)")
      // The model's own HVP (the R-operator for the MLP) assembled column by column.
      let fromProducts = model.hessianFromProducts(data.x, labels: data.labels, weights: data.weights, block: block)
      #expect(mismatch(h.elements, fromProducts.elements, absolute: 1e-13, relative: 1e-12) == nil, "\(name): H")
      #expect(h.isSymmetric())
      let v = randomVector(h.rows, using: &generator)
      #expect(
        mismatch(
          factored.hessianVectorProduct(v, weights: data.weights), h.applied(to: v), absolute: 1e-13, relative: 1e-12)
          == nil, "\(name): Hv")
      // A row subset is the layer of the subset.
      let picks = [3, 3, 0, 17, 39]
      let subset = factored.rows(picks)
      let direct = model.softmaxLayerDerivatives(
        data.x.rows(picks), labels: picks.map { data.labels[$0] }, block: block)!
      #expect(subset.gradientMatrix() == direct.gradientMatrix(), "\(name): rows")
      #expect(subset.hessian(weights: nil) == direct.hessian(weights: nil), "\(name): rows H")
    }
  }

  @Test func hessianMatchesTheExplicitKroneckerSum() {
    // Σ_i ŵ_i (diag(q_i) − q_i q_iᵀ) ⊗ f̃_i f̃_iᵀ + λ diag(m), written out entry by entry for the MLP's
    // last layer (flat order [vec(W₂), b₂], f̃ = [h; 1]) as the pre-factored code assembled it.
    var generator = TestSeed.generator(default: 5103)
    for k in [2, 3] {
      let data = SyntheticData(rows: 30, features: 3, classes: k, using: &generator)
      let mlp = MLPClassifier(
        featureCount: 3, hiddenWidth: 4, classCount: k, activation: .tanh, l2Strength: 0.02, using: &generator)
      let hidden = mlp.hiddenRepresentation(data.x)
      let p = mlp.probabilities(data.x)
      let total = data.weights.reduce(0, +)
      let (h, size) = (4, k * 4 + k)
      func index(_ c: Int, _ u: Int) -> Int { u < h ? c * h + u : k * h + c }
      var expected = Matrix(rows: size, columns: size)
      for i in 0..<30 {
        let f = hidden.row(i) + [1]
        for c in 0..<k {
          for c2 in 0..<k {
            let a = data.weights[i] / total * ((c == c2 ? p[i, c] : 0) - p[i, c] * p[i, c2])
            for u in 0...h { for u2 in 0...h { expected[index(c, u), index(c2, u2)] += a * f[u] * f[u2] } }
          }
        }
      }
      for j in 0..<size { expected[j, j] += 0.02 }
      let hessian = mlp.hessian(data.x, labels: data.labels, weights: data.weights, block: .lastLayer)
      #expect(mismatch(hessian.elements, expected.elements, absolute: 1e-14, relative: 1e-12) == nil, "K=\(k)")
    }
  }

  @Test func vectorizedSeLUMatchesTheScalarDefinition() {
    // Activation.values evaluates e^a with a branch-free polynomial; it must agree with the C
    // library's exp to a few ulp everywhere, including the flush region below −708.
    var a: [Double] = [0, -0.0, 1e-300, -1e-300, -1e-12, 1e-12, -708, -709, -745, -800, -Double.infinity, 30, 700]
    var generator = TestSeed.generator(default: 5104)
    for _ in 0..<20_000 { a.append(40 * generator.nextStandardNormal()) }
    for _ in 0..<20_000 { a.append(-Double.random(in: 0..<1, using: &generator) * 0.7) }
    let fast = Activation.selu.values(a)
    for (j, x) in a.enumerated() {
      let exact = Activation.selu.value(x)
      // An error of k ulp in e^a becomes s·α·k·ulp(e^a) in φ(a), plus rounding of φ itself.
      let budget = 4 * Activation.seluScale * Activation.seluAlpha * exp(min(x, 0)).ulp + 2 * exact.ulp
      #expect(abs(fast[j] - exact) <= budget, "a = \(x): \(fast[j]) vs \(exact)")
    }
    for activation in [Activation.relu, .tanh] {
      #expect(activation.values(a) == a.map(activation.value))
    }
    // φ' through the same exponential, applied to a vector of back-propagated values.
    let upstream = a.indices.map { Double($0 % 7) - 3 }
    for activation in Activation.allCases {
      var d = upstream
      activation.multiplyByDerivative(&d, at: a)
      for j in a.indices where a[j].isFinite {
        let exact = upstream[j] * activation.derivative(a[j])
        let scale = abs(upstream[j]) * Activation.seluScale * Activation.seluAlpha
        // Below −708 the exponential is flushed to e⁻⁷⁰⁸ (documented): an absolute error below 1e−306.
        let flush = a[j] < -708 ? scale * exp(-708.0) : 0
        let budget = 4 * scale * exp(min(a[j], 0)).ulp + 2 * exact.ulp + flush
        #expect(abs(d[j] - exact) <= budget, "\(activation) a = \(a[j]): \(d[j]) vs \(exact)")
      }
    }
  }
}
