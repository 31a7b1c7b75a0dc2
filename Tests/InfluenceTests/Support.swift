import DenseLinearAlgebra
import FairnessModels
import Influence
import SeededRandom

#if canImport(Glibc)
  import Glibc
#endif

/// A small binary problem with a sensitive group correlated with the first feature and the label.
struct GroupedProblem {
  var x: Matrix
  var labels: [Int]
  var groups: [Int]

  init(rows n: Int, features d: Int, using generator: inout SplitMix64) {
    var e: [Double] = []
    var y: [Int] = []
    var g: [Int] = []
    for _ in 0..<n {
      let group = Double.random(in: 0..<1, using: &generator) < 0.4 ? 1 : 0
      var row: [Double] = []
      for j in 0..<d { row.append(generator.nextStandardNormal() + (j == 0 ? 0.8 * Double(group) : 0)) }
      var z = -0.3 + 0.9 * Double(group)
      for j in 0..<d { z += (j % 2 == 0 ? 0.8 : -0.5) * row[j] }
      let p = 1 / (1 + exp(-z))
      y.append(Double.random(in: 0..<1, using: &generator) < p ? 1 : 0)
      g.append(group)
      e.append(contentsOf: row)
    }
    x = Matrix(rows: n, columns: d, elements: e)
    labels = y
    groups = g
  }
}

/// A tightly fitted L2 logistic regression.
func fittedLogistic(_ x: Matrix, _ labels: [Int], l2: Double, weights: [Double]? = nil, start: [Double]? = nil) throws
  -> MultinomialLogisticRegression
{
  var model = MultinomialLogisticRegression(featureCount: x.columns, classCount: 2, l2Strength: l2)
  if let start { model.parameters = start }
  let report = try model.fit(
    x, labels: labels, weights: weights, options: LogisticRegressionFitOptions(gradientTolerance: 1e-13))
  precondition(report.converged, "fit did not converge: \(report)")
  return model
}

func relativeDifference(_ a: [Double], _ b: [Double]) -> Double {
  let diff = zip(a, b).map { $0 - $1 }
  return VectorMath.norm(diff) / max(VectorMath.norm(b), 1e-300)
}

func pearson(_ a: [Double], _ b: [Double]) -> Double {
  let n = Double(a.count)
  let ma = a.reduce(0, +) / n
  let mb = b.reduce(0, +) / n
  var sab = 0.0
  var saa = 0.0
  var sbb = 0.0
  for i in a.indices {
    sab += (a[i] - ma) * (b[i] - mb)
    saa += (a[i] - ma) * (a[i] - ma)
    sbb += (b[i] - mb) * (b[i] - mb)
  }
  return sab / (saa * sbb).squareRoot()
}
