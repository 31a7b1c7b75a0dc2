import DenseLinearAlgebra
public import FairnessData
public import FairnessModels
import SeededRandom

/// The populations `fairmem validate` checks: seeded synthetic ones and the real benchmarks.
public enum ValidationPopulations {
  /// Fits the base classifier of the validation: multinomial logistic regression (Newton,
  /// L2 strength 1e-3 on the weights, intercept unpenalized) on `train`.
  ///
  /// - Throws: `ModelError` for inconsistent data.
  public static func fitBaseModel(_ train: Dataset) throws(ModelError) -> MultinomialLogisticRegression {
    var model = MultinomialLogisticRegression(
      featureCount: train.featureCount, classCount: train.classCount, l2Strength: 1e-3)
    try model.fit(
      train.matrix, labels: train.labels,
      options: LogisticRegressionFitOptions(maximumIterations: 50, gradientTolerance: 1e-8))
    return model
  }

  /// Synthetic population number `index` of a run with `seed`: `G` in 2...3 groups, `K` in
  /// 2...4 classes, 2 to 5 Gaussian features whose class means also shift with the group, random
  /// group sizes and base rates, 150 to 900 evaluation records. The base classifier is a logistic
  /// regression (or `baseModel`) fitted on 300 separate records of the same population, then
  /// evaluated on the evaluation records. Deterministic given `(index, seed)`.
  ///
  /// - Throws: `FairnessDataError` or `ModelError` (not for these parameters).
  public static func synthetic(
    index: Int, seed: UInt64, baseModel: ClassifierChoice = .logisticRegression,
    training: ClassifierTraining = ClassifierTraining()
  ) throws -> (name: String, population: EvaluationPopulation) {
    var rng = SplitMix64(seed: seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(index + 1))
    func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * rng.unitInterval() }
    let g = 2 + rng.uniformIndex(below: 2)
    let k = 2 + rng.uniformIndex(below: 3)
    let d = 2 + rng.uniformIndex(below: 4)
    let size = 150 + rng.uniformIndex(below: 751)
    func distribution(_ count: Int, floor: Double) -> [Double] {
      let w = (0..<count).map { _ in uniform(floor, 1) }
      let s = w.reduce(0, +)
      return w.map { $0 / s }
    }
    let groups = distribution(g, floor: 0.25)
    let rates = (0..<g).map { _ in distribution(k, floor: 0.1) }
    let separation = uniform(0.5, 2.5)
    let classMeans = (0..<k).map { _ in (0..<d).map { _ in uniform(-1, 1) * separation } }
    var table: [[Gaussian]] = []
    for _ in 0..<g {
      let shift = (0..<d).map { _ in uniform(-0.75, 0.75) }
      var row: [Gaussian] = []
      for y in 0..<k { row.append(try Gaussian(mean: zip(classMeans[y], shift).map(+))) }
      table.append(row)
    }
    let law = try SyntheticPopulation(groupProportions: groups, baseRates: rates, features: .perGroupAndClass(table))
    let train = try law.sample(count: 300, scheme: .iid, using: &rng).dataset
    var evaluation = try law.sample(count: size, scheme: .exactCounts, using: &rng).dataset
    evaluation.name = "synthetic-\(index)"
    let predictions = try baseModel.fitAndPredict(
      train: train, queries: [evaluation], training: training, seed: seed &+ UInt64(index))[0]
    return (
      "synthetic-\(index) (G=\(g), K=\(k), N=\(size))",
      EvaluationPopulation(dataset: evaluation, basePredictions: predictions)
    )
  }

  /// A real benchmark: loads and splits it (`RealDataset.load`, seeded), fits the base logistic
  /// regression (or `baseModel`) on the train part and evaluates it on the test part.
  ///
  /// - Throws: `FairnessDataError.missingFile` ("run bash Scripts/fetch-datasets.sh") and other
  ///   data errors; `ModelError`.
  public static func real(
    _ dataset: RealDataset, directory: String = RealDataset.defaultDirectory, seed: UInt64,
    baseModel: ClassifierChoice = .logisticRegression, training: ClassifierTraining = ClassifierTraining()
  ) throws -> EvaluationPopulation {
    try population(
      dataset.load(from: directory, options: RealDatasetOptions(seed: seed)), seed: seed, baseModel: baseModel,
      training: training)
  }

  /// A real benchmark or a CSV file (``DatasetSource/prepare(seed:fractions:directory:)`` with the
  /// default 70/15/15 fractions, as ``real(_:directory:seed:baseModel:training:)``), evaluated the
  /// same way.
  public static func real(
    _ source: DatasetSource, directory: String = RealDataset.defaultDirectory, seed: UInt64,
    baseModel: ClassifierChoice = .logisticRegression, training: ClassifierTraining = ClassifierTraining()
  ) throws -> EvaluationPopulation {
    try population(
      source.prepare(seed: seed, fractions: SplitFractions(), directory: directory), seed: seed,
      baseModel: baseModel, training: training)
  }

  /// The base model fitted on the train part and evaluated on the test part.
  static func population(
    _ prepared: PreparedData, seed: UInt64, baseModel: ClassifierChoice, training: ClassifierTraining
  ) throws -> EvaluationPopulation {
    let test = prepared.split.test
    let predictions = try baseModel.fitAndPredict(
      train: prepared.split.train, queries: [test], training: training, seed: seed)[0]
    return EvaluationPopulation(dataset: test, basePredictions: predictions)
  }
}
