public import DenseLinearAlgebra

extension MLPClassifier {
  /// Column sums of a row-major `rows x columns` array.
  func columnSums(_ e: [Double], rows: Int, columns: Int) -> [Double] {
    var s = Array(repeating: 0.0, count: columns)
    for i in 0..<rows {
      for j in 0..<columns { s[j] += e[i * columns + j] }
    }
    return s
  }

  /// Per-sample loss gradients by backpropagation, an `n x |block|` matrix.
  ///
  /// With `r_i = p_i − e_{y_i}` and `δ_i = (W₂ᵀr_i) ⊙ φ'(a_i)`, row `i` is
  /// `[vec(δ_i x_iᵀ), δ_i, vec(r_i h_iᵀ), r_i]` (or only the last two parts for
  /// ``ParameterBlock/lastLayer``). Unweighted and without the penalty. Memory is `n·|block|`
  /// doubles: for the full network on a large data set, pass row subsets.
  public func perSampleGradients(_ x: Matrix, labels: [Int], block: ParameterBlock = .all) -> Matrix {
    checkInputs(x, labels: labels, featureCount: featureCount, classCount: classCount)
    let f = forward(x)
    let r = residuals(f, labels: labels, scale: nil)
    let n = x.rows
    let (d, h, k) = (featureCount, hiddenWidth, classCount)
    let width = parameterRange(for: block).count
    let re = r.elements
    let he = f.hidden.elements
    let xe = x.elements
    var g = Array(repeating: 0.0, count: n * width)
    var offset = 0
    if block == .all {
      let delta = hiddenErrors(r, f).errors
      for i in 0..<n {
        let row = i * width
        for u in 0..<h {
          let du = delta[i * h + u]
          for j in 0..<d { g[row + u * d + j] = du * xe[i * d + j] }
          g[row + h * d + u] = du
        }
      }
      offset = lastLayerOffset
    }
    for i in 0..<n {
      let row = i * width + offset
      for c in 0..<k {
        let rc = re[i * k + c]
        for u in 0..<h { g[row + c * h + u] = rc * he[i * h + u] }
        g[row + k * h + c] = rc
      }
    }
    return Matrix(rows: n, columns: width, elements: g)
  }

  /// The gradient of the regularized objective by backpropagation (BLAS `dgemm` for every
  /// product): with `R = diag(ŵ)(P − Y)`, `∇W₂ = RᵀH`, `∇b₂ = Rᵀ1`, `Δ = (RW₂) ⊙ φ'(A)`,
  /// `∇W₁ = ΔᵀX`, `∇b₁ = Δᵀ1`, plus `λθ`.
  public func gradient(_ x: Matrix, labels: [Int], weights: [Double]? = nil, block: ParameterBlock = .all) -> [Double] {
    checkInputs(x, labels: labels, featureCount: featureCount, classCount: classCount)
    let w = normalizedWeights(weights, count: x.rows)
    return objectiveAndGradient(x, labels: labels, normalizedWeights: w, block: block).gradient
  }

  /// `J` and `∇_B J` in one forward and one backward pass.
  func objectiveAndGradient(_ x: Matrix, labels: [Int], normalizedWeights w: [Double], block: ParameterBlock) -> (value: Double, gradient: [Double]) {
    let f = forward(x)
    let n = x.rows
    var value = 0.0
    for i in 0..<n { value += w[i] * (f.logNormalizers[i] - f.logits[i * classCount + labels[i]]) }
    value += penalty()
    let r = residuals(f, labels: labels, scale: w)
    var g: [Double] = []
    g.reserveCapacity(parameterRange(for: block).count)
    if block == .all {
      let delta = Matrix(rows: n, columns: hiddenWidth, elements: hiddenErrors(r, f).errors)
      g += delta.transposeMultiplied(by: x).elements
      g += columnSums(delta.elements, rows: n, columns: hiddenWidth)
    }
    g += r.transposeMultiplied(by: f.hidden).elements
    g += columnSums(r.elements, rows: n, columns: classCount)
    let theta = Array(parameters[parameterRange(for: block)])
    if l2Strength > 0 { VectorMath.axpy(l2Strength, theta, &g) }
    return (value, g)
  }

  /// The exact Hessian-vector product `(∇²J)_BB v` by Pearlmutter's R-operator
  /// (forward-over-reverse differentiation; derivation in Docs/models.md).
  ///
  /// With `v = (V₁, c₁, V₂, c₂)` (for ``ParameterBlock/lastLayer`` `V₁ = 0, c₁ = 0`):
  ///
  ///     R{A} = XV₁ᵀ + 1c₁ᵀ,   R{H} = φ'(A) ⊙ R{A},   R{Z} = R{H}W₂ᵀ + HV₂ᵀ + 1c₂ᵀ
  ///     R{R}_i = ŵ_i (diag(p_i) − p_i p_iᵀ) R{z_i}
  ///     R{∇W₂} = R{R}ᵀH + RᵀR{H},   R{∇b₂} = R{R}ᵀ1
  ///     R{Δ} = (R{R}W₂ + RV₂) ⊙ φ'(A) + (RW₂) ⊙ φ''(A) ⊙ R{A}
  ///     R{∇W₁} = R{Δ}ᵀX,   R{∇b₁} = R{Δ}ᵀ1
  ///
  /// plus `λv`. Cost: about twice a gradient.
  public func hessianVectorProduct(
    _ x: Matrix, labels: [Int], weights: [Double]? = nil, vector v: [Double], block: ParameterBlock = .all
  ) -> [Double] {
    checkInputs(x, labels: labels, featureCount: featureCount, classCount: classCount)
    let range = parameterRange(for: block)
    precondition(v.count == range.count, "vector of length \(v.count) for a block of \(range.count) parameters")
    let w = normalizedWeights(weights, count: x.rows)
    let n = x.rows
    let (d, h, k) = (featureCount, hiddenWidth, classCount)
    let f = forward(x)
    let r = residuals(f, labels: labels, scale: w)
    // Split v into its pieces.
    let tail = block == .all ? lastLayerOffset : 0
    let v2 = Matrix(rows: k, columns: h, elements: Array(v[tail..<(tail + k * h)]))
    let c2 = Array(v[(tail + k * h)..<(tail + k * h + k)])
    // Forward R-pass.
    var rA: [Double] = []
    var rH: Matrix? = nil
    if block == .all {
      let v1 = Matrix(rows: h, columns: d, elements: Array(v[0..<(h * d)]))
      let c1 = Array(v[(h * d)..<(h * d + h)])
      rA = addingRowBias(x.multiplied(byTransposeOf: v1), c1)
      var rh = rA
      for j in rh.indices { rh[j] *= activation.derivative(f.preActivations[j]) }
      rH = Matrix(rows: n, columns: h, elements: rh)
    }
    var rZ = addingRowBias(f.hidden.multiplied(byTransposeOf: v2), c2)
    if let rH { VectorMath.axpy(1, rH.multiplied(byTransposeOf: outputWeights).elements, &rZ) }
    // R{R}_i = ŵ_i (p_i ⊙ R{z_i} − p_i (p_iᵀ R{z_i})).
    var rR = Array(repeating: 0.0, count: n * k)
    for i in 0..<n {
      var mean = 0.0
      for c in 0..<k { mean += f.probabilities[i * k + c] * rZ[i * k + c] }
      for c in 0..<k { rR[i * k + c] = w[i] * f.probabilities[i * k + c] * (rZ[i * k + c] - mean) }
    }
    let rRMatrix = Matrix(rows: n, columns: k, elements: rR)
    // Backward R-pass.
    var result: [Double] = []
    result.reserveCapacity(range.count)
    var rGW2 = rRMatrix.transposeMultiplied(by: f.hidden).elements
    if let rH {
      VectorMath.axpy(1, r.transposeMultiplied(by: rH).elements, &rGW2)
      let (gh, _) = hiddenErrors(r, f)
      var rDelta = rRMatrix.multiplied(by: outputWeights).elements
      VectorMath.axpy(1, r.multiplied(by: v2).elements, &rDelta)
      for j in rDelta.indices {
        let a = f.preActivations[j]
        rDelta[j] = rDelta[j] * activation.derivative(a) + gh[j] * activation.secondDerivative(a) * rA[j]
      }
      let rDeltaMatrix = Matrix(rows: n, columns: h, elements: rDelta)
      result += rDeltaMatrix.transposeMultiplied(by: x).elements
      result += columnSums(rDelta, rows: n, columns: h)
    }
    result += rGW2
    result += columnSums(rR, rows: n, columns: k)
    if l2Strength > 0 { VectorMath.axpy(l2Strength, v, &result) }
    return result
  }

  /// The Hessian `(∇²J)_BB` of the regularized objective.
  ///
  /// For ``ParameterBlock/lastLayer`` it is the closed form of softmax regression on the hidden
  /// representation `h̃_i = [h_i; 1]`:
  /// `Σ_i ŵ_i (diag(p_i) − p_i p_iᵀ) ⊗ h̃_i h̃_iᵀ + λI` (all `K` classes), assembled from
  /// `K(K+1)/2` weighted Gram matrices (`dsyrk`) and permuted to the flat order `[vec(W₂), b₂]`.
  /// For ``ParameterBlock/all`` it is assembled from exact Hessian-vector products
  /// (``DifferentiableClassifier/hessianFromProducts(_:labels:weights:block:)``).
  public func hessian(_ x: Matrix, labels: [Int], weights: [Double]? = nil, block: ParameterBlock = .all) -> Matrix {
    guard block == .lastLayer else { return hessianFromProducts(x, labels: labels, weights: weights, block: block) }
    checkInputs(x, labels: labels, featureCount: featureCount, classCount: classCount)
    let w = normalizedWeights(weights, count: x.rows)
    let f = forward(x)
    let n = x.rows
    let (h, k) = (hiddenWidth, classCount)
    let size = k * h + k
    let augmentedHidden = f.hidden.appendingColumn(Array(repeating: 1, count: n))
    // Flat index of (class c, hidden unit u), where u == h is the bias.
    func index(_ c: Int, _ u: Int) -> Int { u < h ? c * h + u : k * h + c }
    var result = Array(repeating: 0.0, count: size * size)
    // With two classes the softmax curvature blocks are ± one matrix: p0 − p0² = p1 − p1² = p0 p1
    // and the cross term is −p0 p1, so one weighted Gram serves all three blocks.
    var binaryGram: [Double]? = nil
    if k == 2 {
      var curvature = [Double](repeating: 0, count: n)
      for i in 0..<n {
        let p0: Double = f.probabilities[2 * i]
        let p1: Double = f.probabilities[2 * i + 1]
        curvature[i] = w[i] * p0 * p1
      }
      binaryGram = augmentedHidden.weightedGram(curvature).elements
    }
    for c in 0..<k {
      for c2 in c..<k {
        let gram: [Double]
        if let binaryGram {
          gram = c == c2 ? binaryGram : binaryGram.map { -$0 }
        } else {
          let scale = (0..<n).map { i in
            w[i] * ((c == c2 ? f.probabilities[i * k + c] : 0) - f.probabilities[i * k + c] * f.probabilities[i * k + c2])
          }
          gram = augmentedHidden.weightedGram(scale).elements
        }
        for u in 0...h {
          for u2 in 0...h {
            let value = gram[u * (h + 1) + u2]
            result[index(c, u) * size + index(c2, u2)] = value
            result[index(c2, u2) * size + index(c, u)] = value
          }
        }
      }
    }
    if l2Strength > 0 {
      for j in 0..<size { result[j * size + j] += l2Strength }
    }
    return Matrix(rows: size, columns: size, elements: result)
  }
}
