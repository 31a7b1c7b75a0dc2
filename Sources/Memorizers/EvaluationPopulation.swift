public import FairnessData
public import FairnessStatistics
import MemorizationTheory

/// A finite evaluation population: records with features, group, true label and the base
/// classifier's prediction. Bias is measured on it by counting.
public struct EvaluationPopulation: Sendable {
  /// The records (features, labels, groups and their names).
  public let dataset: Dataset
  /// The base classifier's prediction for every record.
  public let basePredictions: [Int]

  /// Pairs a dataset with the base predictions of its records.
  ///
  /// - Precondition: one prediction per row, each in `0..<dataset.classCount`.
  public init(dataset: Dataset, basePredictions: [Int]) {
    precondition(basePredictions.count == dataset.rowCount, "one base prediction per record is needed")
    precondition(basePredictions.allSatisfy { $0 >= 0 && $0 < dataset.classCount }, "prediction out of range")
    self.dataset = dataset
    self.basePredictions = basePredictions
  }

  /// The number of records `N`.
  public var recordCount: Int { dataset.rowCount }

  /// `n[a][y][yh]` for the given predictions of every record (PredictionCounts).
  public func counts(predictions: [Int]) -> PredictionCounts {
    PredictionCounts(
      groups: dataset.groupNames, classes: dataset.classNames, groupOf: dataset.groups, labels: dataset.labels,
      predictions: predictions)
  }

  /// The statistics (convention B) of a classifier with these predictions on this population,
  /// from its counts exactly as `fairmem stats` output would be decoded.
  ///
  /// - Throws: `StatisticsError` when a group has no record.
  public func statistics(predictions: [Int]) throws(StatisticsError) -> PopulationStatistics<Double> {
    try PopulationStatistics(counts: counts(predictions: predictions))
  }

  /// The statistics of the base classifier.
  public func baseStatistics() throws(StatisticsError) -> PopulationStatistics<Double> {
    try statistics(predictions: basePredictions)
  }

  /// A selector indexing the records by cell (for choosing `D`).
  public var selector: MemorizationSetSelector {
    MemorizationSetSelector(
      groups: dataset.groups, labels: dataset.labels, basePredictions: basePredictions,
      groupCount: dataset.groupCount, classCount: dataset.classCount)
  }

  /// The lookup memorizer of this population for the memorized records `D`.
  public func lookup(memorizing records: [Int]) -> LookupMemorizer {
    LookupMemorizer(basePredictions: basePredictions, labels: dataset.labels, memorized: records)
  }
}

/// Every entry of one metric (all pairs of groups, all classes) with its value: measured from
/// the statistics of a classifier at `x = 0`, or predicted from base statistics at a memorization.
public func metricEntries(
  _ statistics: PopulationStatistics<Double>, metric: FairnessMetric, memorized x: [[Double]]? = nil
) -> [BiasReport<Double>.Entry] {
  statistics.biasReport(memorized: x ?? statistics.noMemorization).entries[metric] ?? []
}
