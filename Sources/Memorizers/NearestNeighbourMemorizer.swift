public import FairnessData

/// A memorizer that generalizes its memory: a query point within distance `radius` of a memorized
/// training point takes the label of the nearest such point; every other query gets the base
/// classifier's prediction.
///
/// Distance is Euclidean on standardized features: every column is centred and scaled by the mean
/// and standard deviation of the reference data the memorizer was built from (columns with zero
/// spread are only centred), so that one-hot and numeric columns weigh comparably and the radius
/// is in units of standard deviations. Ties between memorized points at the same distance go to
/// the smaller record index.
///
/// With `radius == 0` and distinct feature vectors, predictions on the reference records equal
/// those of `LookupMemorizer` with the same `D`: a record is within distance 0 only of itself.
/// With a positive radius, memorization spills over to neighbours, so the theory's cell-random
/// convention no longer describes it exactly; how far it departs is measured, not assumed.
public struct NearestNeighbourMemorizer: Sendable {
  /// The memorization radius (in standardized units), `>= 0`.
  public let radius: Double
  /// Column means of the reference data.
  public let means: [Double]
  /// Column scales (standard deviation, or 1 for constant columns).
  public let scales: [Double]
  /// Standardized features of the memorized points, row-major.
  public let memorizedFeatures: [Double]
  /// Labels of the memorized points.
  public let memorizedLabels: [Int]
  /// Record indices (in the reference data) of the memorized points, increasing.
  public let memorizedRecords: [Int]
  /// Number of feature columns.
  public let featureCount: Int

  /// Memorizes the records `memorized` of `reference` (with their true labels).
  ///
  /// - Precondition: `radius >= 0` and finite; every index is a row of `reference`.
  public init(reference: Dataset, memorized: [Int], radius: Double) {
    precondition(radius >= 0 && radius.isFinite, "radius must be finite and >= 0")
    let d = reference.featureCount
    let standardizer = Standardizer(fittingEveryColumnOf: reference, minimumScale: 1e-12)
    let mean = standardizer.means
    let scale = standardizer.scales
    let records = Array(Set(memorized)).sorted()
    var features: [Double] = []
    features.reserveCapacity(records.count * d)
    for i in records {
      for j in 0..<d { features.append((reference.feature(row: i, column: j) - mean[j]) / scale[j]) }
    }
    self.radius = radius
    self.means = mean
    self.scales = scale
    self.memorizedFeatures = features
    self.memorizedLabels = records.map { reference.labels[$0] }
    self.memorizedRecords = records
    self.featureCount = d
  }

  /// The nearest memorized point within the radius of a raw (unstandardized) feature vector:
  /// its position in `memorizedRecords`, or nil.
  public func nearestMemorized(_ raw: ArraySlice<Double>) -> Int? {
    precondition(raw.count == featureCount, "query has \(raw.count) features, expected \(featureCount)")
    let q = zip(raw, zip(means, scales)).map { ($0 - $1.0) / $1.1 }
    let limit = radius * radius
    var best: Int? = nil
    var bestDistance = Double.infinity
    for k in memorizedLabels.indices {
      var s = 0.0
      let base = k * featureCount
      for j in 0..<featureCount {
        let v = q[j] - memorizedFeatures[base + j]
        s += v * v
        if s >= bestDistance || s > limit + 1e-24 { break }
      }
      // Exact zero distance must not be lost to rounding of the standardization.
      if s <= limit + 1e-24, s < bestDistance {
        best = k
        bestDistance = s
      }
    }
    return best
  }

  /// Predictions for every row of `queries`: the nearest memorized label within the radius,
  /// else `basePredictions[i]`.
  ///
  /// - Precondition: `basePredictions.count == queries.rowCount`.
  public func predictions(for queries: Dataset, basePredictions: [Int]) -> [Int] {
    precondition(basePredictions.count == queries.rowCount, "one base prediction per query is needed")
    return (0..<queries.rowCount).map { i in
      nearestMemorized(queries.row(i)).map { memorizedLabels[$0] } ?? basePredictions[i]
    }
  }
}
