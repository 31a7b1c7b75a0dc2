public import FairnessStatistics

/// An affine function of the memorized masses: `constant + Σ_{a,y} coefficient[a][y] x[a][y]`.
///
/// R1-R3 say every rate of a memorizing classifier, and hence every metric entry, is of this
/// form. The LP rows are built from these forms; the independent check of a witness uses
/// `MixtureRule` instead.
///
/// Stored sparsely: a rate involves one group (K cells for a group rate, one cell for a cell
/// rate) and an entry two, so a form has at most 2K terms whatever the number of groups. (Dense
/// G x K coefficient tables per entry made the tolerance programs grow as G² x G x K².)
public struct AffineForm<T: FieldScalar>: Sendable {
  /// One nonzero coefficient, on the memorized mass of cell (group, trueClass).
  public struct Term: Sendable, Equatable {
    public var group: Int
    public var trueClass: Int
    public var coefficient: T

    public init(group: Int, trueClass: Int, coefficient: T) {
      self.group = group
      self.trueClass = trueClass
      self.coefficient = coefficient
    }
  }

  public var constant: T
  /// The nonzero coefficients, sorted by (group, trueClass), each cell at most once.
  public private(set) var terms: [Term]

  /// A form from its terms; zero coefficients are dropped and terms are sorted.
  /// - Precondition: no cell appears twice.
  public init(constant: T, terms: [Term]) {
    self.constant = constant
    self.terms = terms.filter { !$0.coefficient.isZero }.sorted { ($0.group, $0.trueClass) < ($1.group, $1.trueClass) }
    precondition(
      zip(self.terms, self.terms.dropFirst()).allSatisfy { ($0.group, $0.trueClass) != ($1.group, $1.trueClass) },
      "a cell appears twice in an affine form")
  }

  /// The coefficient of `x[a][y]` (zero when the form does not involve the cell).
  public func coefficient(group a: Int, trueClass y: Int) -> T {
    terms.first { $0.group == a && $0.trueClass == y }?.coefficient ?? .zero
  }

  /// The value at `x`.
  public func value(at x: [[T]]) -> T {
    terms.reduce(constant) { $0 + $1.coefficient * x[$1.group][$1.trueClass] }
  }

  /// Terms already sorted, nonzero and distinct (no re-check).
  fileprivate init(constant: T, sortedTerms: [Term]) {
    self.constant = constant
    self.terms = sortedTerms
  }

  /// The difference of two forms (a merge of their sorted term lists). When every cell of `l`
  /// precedes every cell of `r` (an entry `rate_a - rate_b` with a < b: the common case, one
  /// per pair of groups) the terms are concatenated, `r`'s negated.
  public static func - (l: AffineForm, r: AffineForm) -> AffineForm {
    if let last = l.terms.last, let first = r.terms.first,
      (last.group, last.trueClass) < (first.group, first.trueClass)
    {
      var terms = l.terms
      terms.reserveCapacity(l.terms.count + r.terms.count)
      for term in r.terms {
        terms.append(Term(group: term.group, trueClass: term.trueClass, coefficient: -term.coefficient))
      }
      return AffineForm(constant: l.constant - r.constant, sortedTerms: terms)
    }
    var merged: [Term] = []
    merged.reserveCapacity(l.terms.count + r.terms.count)
    var i = 0
    var j = 0
    while i < l.terms.count || j < r.terms.count {
      let left = i < l.terms.count ? l.terms[i] : nil
      let right = j < r.terms.count ? r.terms[j] : nil
      if let left, let right, (left.group, left.trueClass) == (right.group, right.trueClass) {
        merged.append(
          Term(group: left.group, trueClass: left.trueClass, coefficient: left.coefficient - right.coefficient))
        i += 1
        j += 1
      } else if let left, right.map({ (left.group, left.trueClass) < ($0.group, $0.trueClass) }) ?? true {
        merged.append(left)
        i += 1
      } else if let right {
        merged.append(Term(group: right.group, trueClass: right.trueClass, coefficient: .zero - right.coefficient))
        j += 1
      }
    }
    return AffineForm(constant: l.constant - r.constant, terms: merged)
  }
}

extension PopulationStatistics {
  /// R1/R2, the group rate `P(Yhat=yh | A=a)` of the memorizing classifier as an affine form.
  ///
  /// Convention B: `(1/p[a]) Σ_y [ x[a][y] δ(y,yh) + (p[a][y] - x[a][y]) C[a][y][yh] ]`.
  /// Convention A: `( x[a][yh] + (p[a] - Σ_y x[a][y]) s[a][yh] ) / p[a]`.
  public func groupRateForm(group a: Int, predicted yh: Int) -> AffineForm<T> {
    let mass = groupMass(a)
    let constant: T
    // The terms come in cell order (one group, classes ascending), so only zeros are dropped.
    var terms: [AffineForm<T>.Term] = []
    terms.reserveCapacity(classCount)
    func add(_ y: Int, _ coefficient: T) {
      if !coefficient.isZero { terms.append(.init(group: a, trueClass: y, coefficient: coefficient)) }
    }
    if let s = unmemorizedPrediction {
      constant = s[a][yh]
      for y in 0..<classCount { add(y, ((y == yh ? T.one : T.zero) - s[a][yh]) / mass) }
    } else {
      constant = fieldSum((0..<classCount).lazy.map { population[a][$0] * confusion[a][$0][yh] }) / mass
      for y in 0..<classCount { add(y, ((y == yh ? T.one : T.zero) - confusion[a][y][yh]) / mass) }
    }
    return AffineForm(constant: constant, sortedTerms: terms)
  }

  /// R3, the cell rate `P(Yhat=yh | Y=y, A=a) = ( x[a][y] δ(y,yh) + (p[a][y] - x[a][y]) C[a][y][yh] ) / p[a][y]`
  /// (both conventions). The cell must have positive mass.
  public func cellRateForm(group a: Int, trueClass y: Int, predicted yh: Int) -> AffineForm<T> {
    precondition(!cellIsEmpty(a, y), "cell rate of an empty cell is undefined")
    let coefficient = ((y == yh ? T.one : T.zero) - confusion[a][y][yh]) / population[a][y]
    return AffineForm(
      constant: confusion[a][y][yh],
      sortedTerms: coefficient.isZero ? [] : [.init(group: a, trueClass: y, coefficient: coefficient)])
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
