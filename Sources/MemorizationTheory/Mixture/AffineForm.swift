public import FairnessStatistics

/// An affine function of the memorized masses: `constant + Σ_{a,y} coefficients[a][y] x[a][y]`.
///
/// R1-R3 say every rate of a memorizing classifier, and hence every metric entry, is of this
/// form. The LP rows are built from these forms; the independent check of a witness uses
/// `MixtureRule` instead.
public struct AffineForm<T: FieldScalar>: Sendable {
  public var constant: T
  public var coefficients: [[T]]

  public init(constant: T, coefficients: [[T]]) {
    self.constant = constant
    self.coefficients = coefficients
  }

  /// The value at `x`.
  public func value(at x: [[T]]) -> T {
    var total = constant
    for (row, xs) in zip(coefficients, x) {
      for (c, v) in zip(row, xs) where !c.isZero { total = total + c * v }
    }
    return total
  }

  public static func - (l: AffineForm, r: AffineForm) -> AffineForm {
    AffineForm(
      constant: l.constant - r.constant,
      coefficients: zip(l.coefficients, r.coefficients).map { zip($0, $1).map { $0 - $1 } })
  }
}

extension PopulationStatistics {
  private var zeroCoefficients: [[T]] {
    Array(repeating: Array(repeating: T.zero, count: classCount), count: groupCount)
  }

  /// R1/R2, the group rate `P(Yhat=yh | A=a)` of the memorizing classifier as an affine form.
  ///
  /// Convention B: `(1/p[a]) Σ_y [ x[a][y] δ(y,yh) + (p[a][y] - x[a][y]) C[a][y][yh] ]`.
  /// Convention A: `( x[a][yh] + (p[a] - Σ_y x[a][y]) s[a][yh] ) / p[a]`.
  public func groupRateForm(group a: Int, predicted yh: Int) -> AffineForm<T> {
    let mass = groupMass(a)
    var coefficients = zeroCoefficients
    let constant: T
    if let s = unmemorizedPrediction {
      constant = s[a][yh]
      for y in 0..<classCount {
        coefficients[a][y] = ((y == yh ? T.one : T.zero) - s[a][yh]) / mass
      }
    } else {
      constant = fieldSum((0..<classCount).map { population[a][$0] * confusion[a][$0][yh] }) / mass
      for y in 0..<classCount {
        coefficients[a][y] = ((y == yh ? T.one : T.zero) - confusion[a][y][yh]) / mass
      }
    }
    return AffineForm(constant: constant, coefficients: coefficients)
  }

  /// R3, the cell rate `P(Yhat=yh | Y=y, A=a) = ( x[a][y] δ(y,yh) + (p[a][y] - x[a][y]) C[a][y][yh] ) / p[a][y]`
  /// (both conventions). The cell must have positive mass.
  public func cellRateForm(group a: Int, trueClass y: Int, predicted yh: Int) -> AffineForm<T> {
    precondition(!cellIsEmpty(a, y), "cell rate of an empty cell is undefined")
    var coefficients = zeroCoefficients
    coefficients[a][y] = ((y == yh ? T.one : T.zero) - confusion[a][y][yh]) / population[a][y]
    return AffineForm(constant: confusion[a][y][yh], coefficients: coefficients)
  }

  /// The rate a key names, for one group, as an affine form.
  public func rateForm(_ key: RateKey, group a: Int) -> AffineForm<T> {
    if let y = key.trueClass { return cellRateForm(group: a, trueClass: y, predicted: key.predictedClass) }
    return groupRateForm(group: a, predicted: key.predictedClass)
  }

  /// One metric entry `rate(first) - rate(second)` as an affine form in x.
  public func entryForm(_ entry: MetricEntry) -> AffineForm<T> {
    rateForm(entry.rate, group: entry.first) - rateForm(entry.rate, group: entry.second)
  }
}
