public import DenseLinearAlgebra
public import FairnessData
public import FairnessModels
import SeededRandom

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A smooth fairness functional `F(θ)` on a validation split that carries group labels.
///
/// Every target is an affine function of the smoothed favorable-class predictions `ŷ_i(θ)`:
///
///     F(θ) = offset + Σ_t sign_t Σ_i c_{t,i} ŷ_i(θ)
///
/// where each term `t` is a group-conditional mean or a difference of two (`groupA − groupB`):
/// * ``Kind/demographicParity``: `mean_{A} ŷ − mean_{B} ŷ` (seed-algorithms.md §1.2 DP).
/// * ``Kind/equalOpportunity``: the same restricted to `y = favorable` (§1.2 "EO"; seed 001's
///   DEO, its Eq. 5 y = 1 term).
/// * ``Kind/equalizedOdds``: seed 001 Eq. 5 EO, `Σ_{y ∈ {fav, not fav}} |gap_y|`; as a smooth
///   function each |·| is `sign_t · gap_t` with the sign fixed by ``oriented(positiveAt:)``.
/// * ``Kind/truePositiveRate(group:)``, ``Kind/trueNegativeRate(group:)``: FairIF's
///   `TPR_a = mean_{a, y=fav} ŷ`, `TNR_a = mean_{a, y≠fav} (1 − ŷ)` (seed 004 Eq. 13–15).
/// * ``Kind/truePositiveRateGap``, ``Kind/trueNegativeRateGap``: `TPR_A − TPR_B`, `TNR_A − TNR_B`.
///
/// `ŷ_i` is `p_θ(fav | x_i)` (``Relaxation/softmax``) or the Gumbel-softmax relaxation
/// `softmax_k((log p_θ(k|x_i) + g_ik)/τ)_fav` with fixed seeded Gumbel(0,1) noise `g`
/// (``Relaxation/gumbelSoftmax(temperature:seed:)``; soft, not straight-through), so `F` is a
/// deterministic smooth function of `θ`.
///
/// Gradients use the model's own derivatives: `∇_θ log p_θ(k|x) = −∇ℓ(x, k)` (the per-sample
/// loss gradient with label `k`), hence `∇p_fav = −p_fav ∇ℓ(x, fav)` and, for Gumbel,
/// `∇ŷ = −(ŷ/τ) Σ_k (δ_{k,fav} − ŷ_k) ∇ℓ(x, k)`.
public struct FairnessTarget: Sendable {
  /// Which functional.
  public enum Kind: Sendable, Hashable {
    case demographicParity
    case equalOpportunity
    case equalizedOdds
    case truePositiveRate(group: Int)
    case trueNegativeRate(group: Int)
    case truePositiveRateGap
    case trueNegativeRateGap
  }

  public let kind: Kind
  public let relaxation: SmoothSurrogate
  public let favorableClass: Int
  /// The two groups compared (`A − B`).
  public let groupA: Int
  public let groupB: Int
  /// Validation features, labels and groups.
  public let features: Matrix
  public let labels: [Int]
  public let groups: [Int]
  /// `sign_t` of each term (all +1 unless ``oriented(positiveAt:)`` flipped some).
  public private(set) var termSigns: [Double]
  /// The constant `offset` (1 for TNR).
  public let offset: Double

  let terms: [[Double]]
  let gumbelNoise: [Double]  // n × K row-major, empty for softmax

  /// - Throws: ``InfluenceError/undefinedTarget(reason:)`` if a needed group/label cell is empty,
  ///   ``InfluenceError/shapeMismatch(_:)`` for inconsistent lengths.
  public init(
    kind: Kind, features: Matrix, labels: [Int], groups: [Int], classCount: Int = 2, favorableClass: Int = 1,
    groupA: Int = 0, groupB: Int = 1, relaxation: SmoothSurrogate = .softmax
  ) throws(InfluenceError) {
    let n = features.rows
    guard labels.count == n, groups.count == n else {
      throw .shapeMismatch("\(n) validation rows, \(labels.count) labels, \(groups.count) groups")
    }
    guard favorableClass >= 0, favorableClass < classCount else {
      throw .shapeMismatch("favorable class \(favorableClass) outside 0..<\(classCount)")
    }
    if case .gumbel(let tau, _) = relaxation, !(tau > 0) {
      throw .shapeMismatch("Gumbel-softmax temperature must be positive")
    }
    self.kind = kind
    self.relaxation = relaxation
    self.favorableClass = favorableClass
    self.groupA = groupA
    self.groupB = groupB
    self.features = features
    self.labels = labels
    self.groups = groups

    enum Cell { case any, favorable, unfavorable }
    func describe(_ cell: Cell) -> String {
      switch cell {
      case .any: "rows"
      case .favorable: "rows with label \(favorableClass) (favorable)"
      case .unfavorable: "rows with a label other than \(favorableClass)"
      }
    }
    func mean(_ group: Int, _ cell: Cell, _ factor: Double) throws(InfluenceError) -> [Double] {
      var c = Array(repeating: 0.0, count: n)
      var count = 0
      for i in 0..<n where groups[i] == group {
        let ok =
          switch cell {
          case .any: true
          case .favorable: labels[i] == favorableClass
          case .unfavorable: labels[i] != favorableClass
          }
        if ok {
          c[i] = 1
          count += 1
        }
      }
      guard count > 0 else {
        throw .undefinedTarget(reason: "\(kind) needs validation \(describe(cell)) in group \(group); there are none")
      }
      return c.map { $0 * factor / Double(count) }
    }
    func gap(_ cell: Cell, _ factor: Double = 1) throws(InfluenceError) -> [Double] {
      let a = try mean(groupA, cell, factor)
      let b = try mean(groupB, cell, factor)
      return zip(a, b).map { $0 - $1 }
    }
    switch kind {
    case .demographicParity:
      terms = [try gap(.any)]
      offset = 0
    case .equalOpportunity:
      terms = [try gap(.favorable)]
      offset = 0
    case .equalizedOdds:
      terms = [try gap(.favorable), try gap(.unfavorable)]
      offset = 0
    case .truePositiveRate(let g):
      terms = [try mean(g, .favorable, 1)]
      offset = 0
    case .trueNegativeRate(let g):
      terms = [try mean(g, .unfavorable, -1)]
      offset = 1
    case .truePositiveRateGap:
      terms = [try gap(.favorable)]
      offset = 0
    case .trueNegativeRateGap:
      // TNR_A − TNR_B = −(mean_A,neg ŷ − mean_B,neg ŷ)
      terms = [try gap(.unfavorable, -1)]
      offset = 0
    }
    termSigns = Array(repeating: 1, count: terms.count)
    if case .gumbel(_, let seed) = relaxation {
      var generator = SplitMix64(seed: seed)
      gumbelNoise = (0..<(n * classCount)).map { _ in
        let u = (Double(generator.next() >> 11) + 0.5) * 0x1p-53  // (0, 1)
        return -log(-log(u))
      }
    } else {
      gumbelNoise = []
    }
  }

  /// A target on a ``Dataset`` (its `groups` are the sensitive attribute).
  public init(
    kind: Kind, validation: Dataset, favorableClass: Int = 1, groupA: Int = 0, groupB: Int = 1,
    relaxation: SmoothSurrogate = .softmax
  ) throws(InfluenceError) {
    try self.init(
      kind: kind,
      features: validation.matrix,
      labels: validation.labels, groups: validation.groups, classCount: Swift.max(2, validation.classCount),
      favorableClass: favorableClass, groupA: groupA, groupB: groupB, relaxation: relaxation)
  }

  /// Whether the kind is a (signed) gap whose orientation is a convention.
  public var isGap: Bool {
    switch kind {
    case .truePositiveRate, .trueNegativeRate: false
    default: true
    }
  }

  /// A copy whose gap terms are signed so each is `≥ 0` at `model` (so `F ≥ 0` there and equals
  /// the seed's absolute-value surrogate locally). Rates (TPR_a/TNR_a) are left unchanged.
  public func oriented(positiveAt model: some DifferentiableClassifier) -> FairnessTarget {
    guard isGap else { return self }
    var copy = self
    let yHat = smoothedPredictions(model).values
    copy.termSigns = terms.map { VectorMath.dot($0, yHat) >= 0 ? 1 : -1 }
    return copy
  }

  /// `ŷ_i` for every validation row and the full relaxed distribution (n × K) it came from.
  func smoothedPredictions(_ model: some DifferentiableClassifier) -> (values: [Double], distribution: [Double]) {
    let p = model.probabilities(features)
    let k = p.columns
    let n = p.rows
    switch relaxation {
    case .softmax:
      return ((0..<n).map { p.elements[$0 * k + favorableClass] }, p.elements)
    case .gumbel(let tau, _):
      precondition(
        gumbelNoise.count == n * k,
        "model has \(k) classes, target was built for \(gumbelNoise.count / Swift.max(n, 1))")
      var soft = Array(repeating: 0.0, count: n * k)
      for i in 0..<n {
        var m = -Double.infinity
        for c in 0..<k {
          let z = (log(Swift.max(p.elements[i * k + c], Double.leastNormalMagnitude)) + gumbelNoise[i * k + c]) / tau
          soft[i * k + c] = z
          m = Swift.max(m, z)
        }
        var s = 0.0
        for c in 0..<k {
          soft[i * k + c] = exp(soft[i * k + c] - m)
          s += soft[i * k + c]
        }
        for c in 0..<k { soft[i * k + c] /= s }
      }
      return ((0..<n).map { soft[$0 * k + favorableClass] }, soft)
    }
  }

  /// The combined per-row coefficients `a_i = Σ_t sign_t c_{t,i}`.
  var coefficients: [Double] {
    var a = Array(repeating: 0.0, count: features.rows)
    for (t, c) in terms.enumerated() { VectorMath.axpy(termSigns[t], c, &a) }
    return a
  }

  /// `F(θ)` for `model`.
  public func value(_ model: some DifferentiableClassifier) -> Double {
    offset + VectorMath.dot(coefficients, smoothedPredictions(model).values)
  }

  /// The value of each term `Σ_i c_{t,i} ŷ_i` before signs (e.g. the two gaps of equalized odds).
  public func termValues(_ model: some DifferentiableClassifier) -> [Double] {
    let y = smoothedPredictions(model).values
    return terms.map { VectorMath.dot($0, y) }
  }

  /// `∇_B F(θ)` for `model`, restricted to `block` (closed form through the model's per-sample
  /// gradients; see the type documentation for the chain rule).
  public func gradient(_ model: some DifferentiableClassifier, block: ParameterBlock) -> [Double] {
    let a = coefficients
    let active = a.indices.filter { a[$0] != 0 }
    let p = model.parameterCount(in: block)
    guard !active.isEmpty else { return Array(repeating: 0, count: p) }
    let x = active.count == features.rows ? features : features.rows(active)
    if case .softmax = relaxation,
      let layer = model.softmaxLayerDerivatives(
        x, labels: Array(repeating: favorableClass, count: active.count), block: block),
      layer.classes.contains(favorableClass)
    {
      // One forward pass: p_fav is a column of the layer's Q; ∇F = −G_favᵀ (a ⊙ p_fav) without G.
      let (column, m) = (favorableClass - layer.firstClass, layer.classCount)
      let q = layer.probabilities.elements
      return layer.gradientsTransposeApplied(to: active.indices.map { j in -a[active[j]] * q[j * m + column] })
    }
    let (yHat, dist) = smoothedPredictions(model)
    let k = model.classCount
    var grad = Array(repeating: 0.0, count: p)
    // Σ_i coef_i ∇ℓ(x_i, c) without forming the per-sample gradients when the block is a softmax layer.
    func gradientSum(label c: Int, _ coef: [Double]) -> [Double] {
      model.perSampleGradientsTransposeApplied(
        x, labels: Array(repeating: c, count: active.count), coefficients: coef, block: block)
    }
    switch relaxation {
    case .softmax:
      // ∇F = Σ a_i ∇p_fav,i = −G_favᵀ (a ⊙ p_fav)
      grad = gradientSum(label: favorableClass, active.map { -a[$0] * yHat[$0] })
    case .gumbel(let tau, _):
      for c in 0..<k {
        let delta = c == favorableClass ? 1.0 : 0.0
        let coef = active.map { i in -a[i] * yHat[i] * (delta - dist[i * k + c]) / tau }
        VectorMath.axpy(1, gradientSum(label: c, coef), &grad)
      }
    }
    return grad
  }
}
