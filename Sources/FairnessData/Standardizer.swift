/// Z-scoring of chosen feature columns with statistics fitted on one dataset (the training part)
/// and applied unchanged to others (validation, test), so no information leaks from held-out rows.
///
/// Column `columns[c]` is mapped to `(x - means[c]) / scales[c]`, where `means[c]` is the mean
/// and `scales[c]` the population standard deviation (divisor n) on the fitting data; a column
/// that is constant there (standard deviation 0) gets scale 1, so it is only centred. Other
/// columns (for example one-hot indicators) are left untouched.
public struct Standardizer: Sendable, Equatable, Hashable {
  /// The feature columns that are standardized.
  public let columns: [Int]
  /// The fitted mean of each column in `columns`.
  public let means: [Double]
  /// The fitted standard deviation (or 1 for a constant column) of each column in `columns`.
  public let scales: [Double]
  /// The feature count of the data the standardizer was fitted on.
  public let featureCount: Int

  /// Fits means and standard deviations of `columns` on `dataset` (two-pass, numerically stable).
  ///
  /// - Parameter minimumScale: a column whose standard deviation is at most this is treated as
  ///   constant (scale 1, only centred); default 0.
  /// - Throws: `.invalidParameter` for a column index out of range or an empty dataset.
  public init(fitting dataset: Dataset, columns: [Int], minimumScale: Double = 0) throws(FairnessDataError) {
    for c in columns where c < 0 || c >= dataset.featureCount {
      throw .invalidParameter(
        name: "columns", problem: "feature column \(c) is outside 0..<\(dataset.featureCount)")
    }
    guard dataset.rowCount > 0 || columns.isEmpty else {
      throw .invalidParameter(name: "dataset", problem: "cannot fit a standardizer on zero rows")
    }
    self.init(fittingEveryColumnOf: dataset, columns: columns, minimumScale: minimumScale)
  }

  /// Fits every feature column of `dataset` (as the memorizers' distance and inputs need); an
  /// empty dataset gives the identity (means 0, scales 1).
  public init(fittingEveryColumnOf dataset: Dataset, minimumScale: Double = 0) {
    self.init(
      fittingEveryColumnOf: dataset, columns: Array(0..<dataset.featureCount), minimumScale: minimumScale)
  }

  private init(fittingEveryColumnOf dataset: Dataset, columns: [Int], minimumScale: Double) {
    let n = Double(dataset.rowCount)
    let d = dataset.featureCount
    var means = [Double](repeating: 0, count: columns.count)
    var scales = [Double](repeating: 1, count: columns.count)
    if dataset.rowCount > 0 {
      dataset.features.withUnsafeBufferPointer { x in
        for (c, j) in columns.enumerated() {
          var sum = 0.0
          for i in 0..<dataset.rowCount { sum += x[i * d + j] }
          let mean = sum / n
          var squares = 0.0
          for i in 0..<dataset.rowCount {
            let dev = x[i * d + j] - mean
            squares += dev * dev
          }
          let sd = (squares / n).squareRoot()
          means[c] = mean
          scales[c] = sd > minimumScale && sd.isFinite ? sd : 1
        }
      }
    }
    self.init(columns: columns, means: means, scales: scales, featureCount: d)
  }

  /// Creates a standardizer from known statistics.
  public init(columns: [Int], means: [Double], scales: [Double], featureCount: Int) {
    precondition(columns.count == means.count && means.count == scales.count)
    self.columns = columns
    self.means = means
    self.scales = scales
    self.featureCount = featureCount
  }

  /// `dataset` with the fitted transformation applied to `columns`.
  ///
  /// - Precondition: `dataset.featureCount == featureCount`.
  public func apply(to dataset: Dataset) -> Dataset {
    precondition(dataset.featureCount == featureCount, "feature count \(dataset.featureCount) != \(featureCount)")
    var x = dataset.features
    let d = featureCount
    x.withUnsafeMutableBufferPointer { x in
      for (c, j) in columns.enumerated() {
        let m = means[c]
        let s = scales[c]
        for i in 0..<dataset.rowCount { x[i * d + j] = (x[i * d + j] - m) / s }
      }
    }
    return dataset.replacingFeatures(x)
  }

  /// Every part of `split` transformed with these (training) statistics.
  public func apply(to split: Split) -> Split {
    Split(train: apply(to: split.train), validation: apply(to: split.validation), test: apply(to: split.test))
  }
}
