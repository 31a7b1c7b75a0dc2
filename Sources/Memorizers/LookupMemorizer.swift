/// The idealized memorizing classifier of the theory on a finite population: on the memorized
/// records `D` it predicts the true label, everywhere else the base classifier's prediction.
///
/// Records are identified by index (a lookup table), so memorizing a record changes nothing
/// outside `D`: this is exactly the classifier the mixture rule R0 describes.
public struct LookupMemorizer: Sendable, Equatable {
  /// The base classifier's prediction for every record.
  public let basePredictions: [Int]
  /// The true label of every record.
  public let labels: [Int]
  /// `isMemorized[i]` tells whether record `i` is in `D`.
  public let isMemorized: [Bool]

  /// Creates the memorizer for the records `memorized` (indices into `labels`; repeats are ignored).
  ///
  /// - Precondition: `basePredictions` and `labels` have the same length and every index is valid.
  public init(basePredictions: [Int], labels: [Int], memorized: some Sequence<Int>) {
    precondition(basePredictions.count == labels.count, "predictions and labels differ in length")
    var flags = Array(repeating: false, count: labels.count)
    for i in memorized {
      precondition(i >= 0 && i < labels.count, "memorized index \(i) outside 0..<\(labels.count)")
      flags[i] = true
    }
    self.basePredictions = basePredictions
    self.labels = labels
    self.isMemorized = flags
  }

  /// The number of memorized records `|D|`.
  public var memorizedCount: Int { isMemorized.reduce(0) { $0 + ($1 ? 1 : 0) } }

  /// The prediction for record `i`: its label if memorized, the base prediction otherwise.
  public func predict(record i: Int) -> Int { isMemorized[i] ? labels[i] : basePredictions[i] }

  /// The predictions for every record.
  public var predictions: [Int] { labels.indices.map(predict(record:)) }
}
