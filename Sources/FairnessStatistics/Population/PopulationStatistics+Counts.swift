extension PopulationStatistics {
  /// The statistics of a classifier from its confusion counts `n[a][y][yh]` (convention B, cap =
  /// population): `p[a][y] = Σ_yh n[a][y][yh] / N` and `C[a][y][yh] = n[a][y][yh] / Σ_yh' n[a][y][yh']`,
  /// computed in `T` (exact for `Rational`). A zero-mass cell gets the unit row `e_y` (never used
  /// in a rate) and a note.
  ///
  /// This is the typed path from counts to statistics: the statistics JSON decoder and every
  /// module that counts predictions use it.
  ///
  /// - Throws: `StatisticsError` when every count is zero or a group has no record.
  public init(counts: PredictionCounts) throws(StatisticsError) {
    let n = counts.counts
    let k = counts.classes.count
    let total = n.joined().joined().reduce(0, +)
    guard total > 0 else { throw StatisticsError(field: "counts", problem: "all counts are zero") }
    let population = n.map { row in row.map { T(integer: $0.reduce(0, +)) / T(integer: total) } }
    let confusion = n.enumerated().map { a, row in
      row.enumerated().map { y, cell -> [T] in
        let cellTotal = cell.reduce(0, +)
        if cellTotal == 0 { return (0..<k).map { $0 == y ? T.one : T.zero } }
        return cell.map { T(integer: $0) / T(integer: cellTotal) }
      }
    }
    let groups = counts.groups
    for a in groups.indices where population[a].allSatisfy(\.isZero) {
      throw StatisticsError(
        field: "population[\(a)]", problem: "group '\(groups[a])' is empty (P(A=\(groups[a])) = 0); remove it")
    }
    self.init(
      groups: groups, classes: counts.classes, population: population, confusion: confusion, counts: n,
      notes: Self.zeroMassNotes(groups: groups, classes: counts.classes, population: population))
  }

  /// One note per zero-mass cell: its cell rates are undefined, so EOpp/EOdds entries skip it.
  public static func zeroMassNotes(groups: [String], classes: [String], population: [[T]]) -> [String] {
    var notes: [String] = []
    for a in groups.indices {
      for y in classes.indices where population[a][y].isZero {
        notes.append(
          "cell (\(groups[a]), \(classes[y])) has zero mass: its cell rates are undefined, so EOpp/EOdds entries for class '\(classes[y])' exclude group '\(groups[a])'"
        )
      }
    }
    return notes
  }
}
