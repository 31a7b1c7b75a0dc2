import DenseLinearAlgebra
import Mitigation
import SeededRandom
import Testing
import _TestSupport

/// Random influences with mixed signs (and a few exact ties broken by index).
func randomInfluence(_ n: Int, using rng: inout SplitMix64) -> [Double] {
  (0..<n).map { _ in rng.nextStandardNormal() }
}

func randomMatrix(rows: Int, columns: Int, using rng: inout SplitMix64) -> Matrix {
  Matrix(rows: rows, columns: columns, elements: (0..<(rows * columns)).map { _ in rng.nextStandardNormal() })
}

/// Seed 001 Eq. 9 (linearized, constant dropped): `I·(w − 1) + D(w, 1)/λ`.
func eq9(_ influence: [Double], _ w: [Double], lambda: Double, proximal: ([Double]) -> Double) -> Double {
  var s = 0.0
  for i in w.indices { s += influence[i] * (w[i] - 1) }
  return s + proximal(w.map { $0 - 1 }) / lambda
}

/// Plain gradient descent for a smooth objective (the "direct numerical minimization" route).
func gradientDescent(start: [Double], step: Double, iterations: Int, gradient: ([Double]) -> [Double]) -> [Double] {
  var x = start
  for _ in 0..<iterations {
    let g = gradient(x)
    for i in x.indices { x[i] -= step * g[i] }
  }
  return x
}

@Suite("Reweighting rules = minimizers of seed 001 Eq. 9")
struct RuleTests {
  @Test("drop-K (Prop. 3.1) equals the brute-force minimizer of Eq. 9 over {0,1}^N with the Hamming term")
  func dropKIsEq9Minimizer() {
    var rng = TestSeed.generator(default: 101)
    let n = 10
    let influence = randomInfluence(n, using: &rng)
    for lambda in [0.3, 0.8, 1.5, 4.0] {
      let hamming: ([Double]) -> Double = { d in Double(d.count { $0 != 0 }) }
      var best = Double.infinity
      var bestW: [Double] = []
      for mask in 0..<(1 << n) {
        let w = (0..<n).map { (mask >> $0) & 1 == 1 ? 0.0 : 1.0 }
        let v = eq9(influence, w, lambda: lambda, proximal: hamming)
        if v < best - 1e-12 {
          best = v
          bestW = w
        }
      }
      let k = Reweighting.dropCount(influence: influence, lambda: lambda)
      let rule = Reweighting.dropK(influence: influence, k: k)
      #expect(rule.weights == bestW, "λ = \(lambda)")
      #expect(rule.droppedCount == k)
    }
  }

  @Test("drop-K/upweight-M (Prop. C.1) equals the brute-force minimizer over {0,1,2}^N")
  func dropKUpweightMIsEq9Minimizer() {
    var rng = TestSeed.generator(default: 102)
    let n = 7
    let influence = randomInfluence(n, using: &rng)
    var total = 1
    for _ in 0..<n { total *= 3 }
    for lambda in [0.4, 1.0, 2.5] {
      let hamming: ([Double]) -> Double = { d in Double(d.count { $0 != 0 }) }
      var best = Double.infinity
      var bestW: [Double] = []
      for code in 0..<total {
        var c = code
        var w = [Double]()
        for _ in 0..<n {
          w.append(Double(c % 3))
          c /= 3
        }
        let v = eq9(influence, w, lambda: lambda, proximal: hamming)
        if v < best - 1e-12 {
          best = v
          bestW = w
        }
      }
      let (k, m) = Reweighting.dropUpweightCounts(influence: influence, lambda: lambda)
      let rule = Reweighting.dropKUpweightM(influence: influence, k: k, m: m, upweight: 1)
      #expect(rule.weights == bestW, "λ = \(lambda)")
    }
  }

  @Test("drop-K never drops a sample with non-positive influence")
  func dropKOnlyPositive() {
    let w = Reweighting.dropK(influence: [-1, 0.5, -2, 0, 3], k: 4)
    #expect(w.weights == [1, 0, 1, 1, 0])
    let u = Reweighting.dropKUpweightM(influence: [-1, 0.5, -2, 0, 3], k: 1, m: 1, upweight: 0.5)
    #expect(u.weights == [1, 1, 1.5, 1, 0])
  }

  @Test("I-JACK (Prop. 3.2) equals gradient descent on Eq. 9 with ½‖w − 1‖²")
  func iJackIsEq9Minimizer() {
    var rng = TestSeed.generator(default: 103)
    let influence = randomInfluence(20, using: &rng)
    let lambda = 0.3
    let direct = gradientDescent(start: Array(repeating: 1, count: 20), step: 0.1, iterations: 2000) { w in
      w.indices.map { influence[$0] + (w[$0] - 1) / lambda }
    }
    let rule = Reweighting.iJack(influence: influence, lambda: lambda)
    #expect(maxDiff(rule.rawWeights, direct) < 1e-9)
  }

  @Test("SIM-JACK's C·I via Φ(ΦᵀI) + εI equals the explicit n×n product")
  func simJackProductMatchesExplicit() {
    var rng = TestSeed.generator(default: 104)
    let n = 15
    let phi = Reweighting.normalizedRows(randomMatrix(rows: n, columns: 4, using: &rng))
    let v = randomInfluence(n, using: &rng)
    let c = phi.multiplied(byTransposeOf: phi).addingToDiagonal(0.2)
    let explicit = c.applied(to: v)
    let fast = Reweighting.similarityProduct(embeddings: phi, vector: v, epsilon: 0.2)
    #expect(maxDiff(fast, explicit) < 1e-12)
    for i in 0..<n { #expect(abs(c[i, i] - 1.2) < 1e-12) }
  }

  @Test("SIM-JACK (Prop. 3.3) equals gradient descent on Eq. 9 with the Mahalanobis term ½(w−1)ᵀC⁻¹(w−1)")
  func simJackIsEq9Minimizer() throws {
    var rng = TestSeed.generator(default: 105)
    let n = 12
    let raw = randomMatrix(rows: n, columns: 3, using: &rng)
    let influence = randomInfluence(n, using: &rng)
    let eps = 0.5
    let lambda = 0.2
    let phi = Reweighting.normalizedRows(raw)
    let c = phi.multiplied(byTransposeOf: phi).addingToDiagonal(eps)
    let cInverse = try c.cholesky().solve(Matrix.identity(n))
    // Gradient of Eq. 9: I + C⁻¹(w − 1)/λ; step below 2/L with L = λ_max(C⁻¹)/λ = 1/(ελ).
    let direct = gradientDescent(start: Array(repeating: 1, count: n), step: 0.9 * eps * lambda, iterations: 20_000) {
      w in
      let d = cInverse.applied(to: w.map { $0 - 1 })
      return w.indices.map { influence[$0] + d[$0] / lambda }
    }
    let rule = Reweighting.simJack(influence: influence, embeddings: raw, lambda: lambda, epsilon: eps)
    #expect(maxDiff(rule.rawWeights, direct) < 1e-8)
    // And the closed form is a stationary point of the explicit objective.
    let objective: ([Double]) -> Double = { w in
      eq9(influence, w, lambda: lambda) { d in 0.5 * VectorMath.dot(d, cInverse.applied(to: d)) }
    }
    let best = objective(rule.rawWeights)
    for j in 0..<n {
      var moved = rule.rawWeights
      moved[j] += 1e-3
      #expect(objective(moved) > best)
    }
  }

  @Test("I-JACK and SIM-JACK predict ΔF < 0 for every λ > 0")
  func predictedDecrease() {
    var rng = TestSeed.generator(default: 106)
    let n = 200
    let influence = randomInfluence(n, using: &rng).map { $0 * 1e-3 }
    let phi = randomMatrix(rows: n, columns: 5, using: &rng)
    for lambda in [1e-3, 0.1, 1, 10, 100] {
      let ij = Reweighting.iJack(influence: influence, lambda: lambda)
      #expect(ij.predictedChange(influence: influence) < 0)
      let sj = Reweighting.simJack(influence: influence, embeddings: phi, lambda: lambda, epsilon: 1e-3)
      if !sj.clipping.clipped { #expect(sj.predictedChange(influence: influence) < 0) }
      // Unclipped prediction −λ IᵀCI.
      let raw = SampleWeights(unclipped: sj.rawWeights)
      #expect(raw.predictedChange(influence: influence) < 0)
    }
    // λ₀ zeroes the gap to first order.
    let gap = 0.2
    let l0 = Reweighting.iJackScale(gap: gap, influence: influence)
    let w = SampleWeights(unclipped: Reweighting.iJack(influence: influence, lambda: l0).rawWeights)
    #expect(abs(w.predictedChange(influence: influence) + gap) < 1e-12)
  }

  @Test("clipping at zero is reported with the count and the mass removed")
  func clippingReported() {
    let influence = [0.5, -0.2, 0.1, 2.0]
    let w = Reweighting.iJack(influence: influence, lambda: 1)
    #expect(w.weights == [0.5, 1.2, 0.9, 0])
    #expect(w.clipping.count == 1)
    #expect(abs(w.clipping.mass - 1.0) < 1e-15)
    #expect(w.clipping.minimumRawWeight == -1)
    let small = Reweighting.iJack(influence: influence, lambda: 0.1)
    #expect(!small.clipping.clipped)
  }
}

/// The largest absolute elementwise difference (infinity for different lengths).
func maxDiff(_ a: [Double], _ b: [Double]) -> Double {
  guard a.count == b.count else { return .infinity }
  return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
