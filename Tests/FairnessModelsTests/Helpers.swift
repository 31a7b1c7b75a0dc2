import DenseLinearAlgebra
import FairnessModels
import SeededRandom

#if canImport(Glibc)
  import Glibc
#endif

/// Synthetic classification data: standard normal features, labels drawn from a random softmax
/// model (so classes overlap and the unregularized optimum is finite).
struct SyntheticData {
  var x: Matrix
  var labels: [Int]
  var weights: [Double]

  init(rows n: Int, features d: Int, classes k: Int, using generator: inout some RandomNumberGenerator) {
    let features = Matrix(rows: n, columns: d, elements: (0..<(n * d)).map { _ in generator.nextStandardNormal() })
    x = features
    let truth = (0..<(k * d)).map { _ in generator.nextStandardNormal() }
    labels = (0..<n).map { i in
      let z = (0..<k).map { c in (0..<d).reduce(0.0) { $0 + truth[c * d + $1] * features[i, $1] } }
      let m = z.max() ?? 0
      let e = z.map { exp($0 - m) }
      var u = Double.random(in: 0..<1, using: &generator) * e.reduce(0, +)
      for c in 0..<k {
        u -= e[c]
        if u < 0 { return c }
      }
      return k - 1
    }
    weights = (0..<n).map { _ in Double.random(in: 0.2..<2, using: &generator) }
  }
}

/// Central finite differences of a vector-valued function along direction `v`.
func directionalDifference(at theta: [Double], direction v: [Double], step h: Double, _ f: ([Double]) -> [Double])
  -> [Double]
{
  let plus = f(zip(theta, v).map { $0 + h * $1 })
  let minus = f(zip(theta, v).map { $0 - h * $1 })
  return zip(plus, minus).map { ($0 - $1) / (2 * h) }
}

func randomVector(_ n: Int, using generator: inout some RandomNumberGenerator) -> [Double] {
  (0..<n).map { _ in generator.nextStandardNormal() }
}

/// Tolerances for derivative checks. Central differences with step `h` have truncation error
/// `O(h²·|f'''|)` and rounding error `O(ε|f|/h)`; with `h = 1e-5` on O(1) objectives both are
/// about 1e-10, so 1e-7 absolute leaves three orders of margin.
enum DerivativeTolerance {
  static let step = 1e-5
  static let absolute = 1e-7
  static let relative = 1e-6
}
