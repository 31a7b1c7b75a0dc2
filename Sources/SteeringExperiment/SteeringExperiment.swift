public import DenseLinearAlgebra
import FailureReporting
public import FairnessData
public import FairnessModels
public import FairnessStatistics
import Foundation
public import Mitigation
public import OptimalSteering
import SeededRandom

/// What is steered: the dataset's continuous features, or the hidden layer of an MLP trained on
/// the split (the tabular stand-in for steering a network's internal representation).
public enum SteeredRepresentation: String, Sendable, Hashable, Codable, CaseIterable {
  /// The standardized continuous columns (one-hot columns unchanged).
  case features
  /// The MLP's hidden units (SeLU), standardized on the training split; the classifier retrained
  /// on them is a logistic-regression head (ERM: the same head on the unsteered representation).
  case mlpHidden = "mlp-hidden"
}

/// The options of the data experiment (`fairmem steer --dataset D`).
public struct SteeringExperimentOptions: Sendable, Codable {
  /// A real benchmark or a CSV file (split like ``DatasetSource/mitigationSplit(seed:dataDirectory:quick:)``).
  public var dataset: DatasetSource
  /// Seeded splits `firstSeed, firstSeed + 1, …`.
  public var splits: Int
  public var firstSeed: UInt64
  public var quick: Bool
  public var interventions: [SteeringIntervention]
  /// `nil`: the group with the larger mass.
  public var reference: String?
  public var direction: KLDirection
  public var scale: ScaleStructure
  public var priors: PriorTreatment
  public var covariance: CovarianceEstimate
  /// L2 strength of the logistic regressions (mean cross-entropy + λ/2‖θ‖²).
  public var l2Strength: Double
  public var representation: SteeredRepresentation
  /// Hidden units of the MLP (`representation == .mlpHidden`).
  public var hiddenWidth: Int

  public init(
    dataset: DatasetSource, splits: Int = 5, firstSeed: UInt64 = 0, quick: Bool = false,
    interventions: [SteeringIntervention] = SteeringIntervention.allCases, reference: String? = nil,
    direction: KLDirection = .forward, scale: ScaleStructure = .full, priors: PriorTreatment = .project,
    covariance: CovarianceEstimate = .full, l2Strength: Double = 1e-3,
    representation: SteeredRepresentation = .features,
    hiddenWidth: Int = 16
  ) {
    self.dataset = dataset
    self.splits = splits
    self.firstSeed = firstSeed
    self.quick = quick
    self.interventions = interventions
    self.reference = reference
    self.direction = direction
    self.scale = scale
    self.priors = priors
    self.covariance = covariance
    self.l2Strength = l2Strength
    self.representation = representation
    self.hiddenWidth = hiddenWidth
  }

  enum CodingKeys: String, CodingKey {
    case dataset, splits, quick, interventions, reference, direction, scale, priors, covariance
    case representation
    case firstSeed = "first_seed"
    case l2Strength = "l2_strength"
    case hiddenWidth = "hidden_width"
  }
}

/// How the class-dependent map is applied to the test split.
public enum TestMapping: String, Sendable, Hashable, Codable, CaseIterable {
  /// The test split as it is (the classifier trained on steered data meets the original law).
  case none
  /// Test rows mapped with `T_{a,y}` using the true label (oracle).
  case oracle
  /// Test rows mapped with `T_{a,ŷ}` using the ERM classifier's predicted label.
  case predicted
}

/// One row of the table: a method (ERM or an intervention) and a test mapping.
public struct SteeringExperimentRow: Sendable, Codable {
  /// `erm` or an intervention's name.
  public var method: String
  public var testMapping: TestMapping
  public var accuracy: SplitSummary
  /// Demographic parity difference `|P(ŷ=1|a) − P(ŷ=1|a')|`.
  public var dp: SplitSummary
  /// Equal opportunity difference `|ΔTPR|` (FairnessMetric `deo`).
  public var deo: SplitSummary
  /// Equalized-odds gap sum `|ΔTPR| + |ΔFPR|` (FairnessMetric `eo`).
  public var eo: SplitSummary
  /// The forward KL of the Gaussian model's intervention (nil for ERM). Every summary is
  /// `FairnessStatistics.SplitSummary`: mean and two standard errors over the splits.
  public var kl: SplitSummary?
  /// The fraction of test rows on which the predicted-label mapping gives the same prediction as
  /// the oracle mapping (rows with `test_mapping = predicted` only).
  public var agreementWithOracle: SplitSummary?
  /// Per split, the transfer-bound check (rows with `test_mapping = none` only).
  public var transfer: [TransferBoundCheck]?

  enum CodingKeys: String, CodingKey {
    case method, accuracy, dp, deo, eo, kl, transfer
    case testMapping = "test_mapping"
    case agreementWithOracle = "agreement_with_oracle"
  }
}

/// The typed report of the data experiment.
public struct SteeringExperimentReport: Sendable, Codable {
  public var options: SteeringExperimentOptions
  /// The continuous (standardized) features that were steered.
  public var steeredFeatures: [String]
  public var groups: [String]
  public var reference: String
  public var rows: [SteeringExperimentRow]
  public var notes: [String]

  enum CodingKeys: String, CodingKey {
    case options, groups, reference, rows, notes
    case steeredFeatures = "steered_features"
  }
}

/// Steering real data (seed 002 applied to tabular features).
///
/// For each seeded split: fit the Gaussian model (``GaussianModel/estimate(features:groups:labels:groupNames:classNames:covariance:)``)
/// to the standardized continuous features of the training split by (group, label); solve each
/// intervention; replace every training row's continuous block `x` by `T_{a,y}(x)` and weight the
/// row by `q̃_ay / q̂_ay` (the steered priors); retrain the logistic regression; evaluate on the
/// test split as it is, and with the test rows mapped by the oracle or the ERM-predicted label.
/// ERM is the same logistic regression on the unsteered training split. The transfer bounds
/// compare the steered classifier on the test split (`D`) with the oracle-mapped, prior-weighted
/// test split (a sample of `D̃` when the Gaussian model holds).
public enum SteeringExperiment {
  public static func run(_ options: SteeringExperimentOptions, dataDirectory: String = RealDataset.defaultDirectory)
    throws -> SteeringExperimentReport
  {
    guard options.splits >= 1 else { throw SteeringError(field: "--splits", problem: "must be at least 1") }
    var records: [String: [String: [Double]]] = [:]
    var transfers: [String: [TransferBoundCheck]] = [:]
    var order: [String] = []
    var features: [String] = []
    var groupNames: [String] = []
    var referenceName = ""
    var notes: [String] = []
    func record(_ key: String, _ metrics: [String: Double]) {
      if records[key] == nil { order.append(key) }
      for (name, value) in metrics { records[key, default: [:]][name, default: []].append(value) }
    }
    for s in 0..<options.splits {
      let seed = options.firstSeed + UInt64(s)
      let split = try options.dataset.mitigationSplit(seed: seed, dataDirectory: dataDirectory, quick: options.quick)
      let (train, test) =
        options.representation == .features
        ? (split.train, split.test) : try hiddenRepresentation(split, width: options.hiddenWidth, seed: seed)
      let fitted = try fitModel(train, covariance: options.covariance, dataset: options.dataset.name)
      let (model, continuous) = (fitted.model, fitted.continuous)
      features = continuous.map { train.featureNames[$0] }
      groupNames = train.groupNames
      let erm = try fit(train.matrix, labels: train.labels, weights: nil, l2: options.l2Strength)
      let ermPredictionsTest = erm.predict(test.matrix)
      record("erm|none", try metrics(test, predictions: ermPredictionsTest))
      for intervention in options.interventions {
        let steeringOptions = SteeringOptions(
          intervention: intervention, reference: options.reference, direction: options.direction, scale: options.scale,
          priors: options.priors)
        let (result, classifier) = try trainSteered(
          train, model: model, continuous: continuous, options: steeringOptions, l2: options.l2Strength)
        referenceName = model.groups[result.referenceIndex]
        let forwardKL =
          options.direction == .forward
          ? result.kl : try GaussianDivergence.joint(steered: result.steered, original: model, direction: .forward)
        let onOriginal = classifier.predict(test.matrix)
        var original = try metrics(test, predictions: onOriginal)
        original["kl"] = forwardKL
        record("\(intervention.rawValue)|none", original)
        let oracleTest = steer(test.matrix, columns: continuous, groups: test.groups, classes: test.labels, result)
        let onOracle = classifier.predict(oracleTest)
        var oracle = try metrics(test, predictions: onOracle)
        oracle["kl"] = forwardKL
        record("\(intervention.rawValue)|oracle", oracle)
        let predictedTest = steer(
          test.matrix, columns: continuous, groups: test.groups, classes: ermPredictionsTest, result)
        let onPredicted = classifier.predict(predictedTest)
        var predicted = try metrics(test, predictions: onPredicted)
        predicted["kl"] = forwardKL
        predicted["agreement"] =
          Double(zip(onPredicted, onOracle).filter { $0 == $1 }.count) / Double(max(1, test.rowCount))
        record("\(intervention.rawValue)|predicted", predicted)
        // Transfer bounds: D = the test split, D̃ ≈ the oracle-mapped test split weighted by q̃/q̂.
        let testWeights = zip(test.groups, test.labels).map { result.steered.priors[$0][$1] / model.priors[$0][$1] }
        var weightedErrors = 0.0
        for i in 0..<test.rowCount where onOracle[i] != test.labels[i] { weightedErrors += testWeights[i] }
        let cells = try GaussianDivergence.cellDivergences(
          steered: result.steered, original: model, direction: .forward)
        transfers[intervention.rawValue, default: []].append(
          TransferBoundCheck(
            kl: forwardKL, errorOriginal: 1 - original["accuracy"]!,
            errorSteered: weightedErrors / testWeights.reduce(0, +), equalOpportunityOriginal: original["deo"]!,
            equalOpportunitySteered: oracle["deo"]!, forwardCellKL: cells))
      }
    }
    notes.append(
      options.representation == .features
        ? "steered features: the standardized continuous columns (\(features.joined(separator: ", "))); one-hot columns unchanged"
        : "steered representation: the \(features.count) non-constant standardized hidden units of an MLP with \(options.hiddenWidth) SeLU units; classifiers are logistic-regression heads on it"
    )
    let rows = order.map { key -> SteeringExperimentRow in
      let parts = key.split(separator: "|").map(String.init)
      let values = records[key]!
      // Every split records accuracy, dp, deo and eo, so these summaries exist.
      func summary(_ name: String) -> SplitSummary? { values[name].flatMap { SplitSummary($0) } }
      return SteeringExperimentRow(
        method: parts[0], testMapping: TestMapping(rawValue: parts[1])!, accuracy: summary("accuracy")!,
        dp: summary("dp")!, deo: summary("deo")!, eo: summary("eo")!, kl: summary("kl"),
        agreementWithOracle: summary("agreement"),
        transfer: parts[1] == "none" ? transfers[parts[0]] : nil)
    }
    return SteeringExperimentReport(
      options: options, steeredFeatures: features, groups: groupNames, reference: referenceName, rows: rows,
      notes: notes)
  }

  /// The hidden layer of an MLP (`width` SeLU units, L2 1e-3, Adam: 20 epochs, batch 128, learning
  /// rate 1e-3, initialized and shuffled from `SplitMix64(seed + 0x4D4C50)`) trained on the training
  /// split, as train and test datasets standardized on the training split.
  static func hiddenRepresentation(_ split: Split, width: Int, seed: UInt64) throws -> (Dataset, Dataset) {
    guard width >= 1 else { throw SteeringError(field: "--hidden-width", problem: "must be at least 1") }
    var rng = SplitMix64(seed: seed &+ 0x4D4C50)
    var mlp = MLPClassifier(
      featureCount: split.train.featureCount, hiddenWidth: width, classCount: split.train.classCount, activation: .selu,
      l2Strength: 1e-3, using: &rng)
    try mlp.fit(
      split.train.matrix, labels: split.train.labels,
      options: MLPTrainingOptions(epochs: 20, batchSize: 128, learningRate: 1e-3), using: &rng)
    func dataset(_ d: Dataset) throws -> Dataset {
      let h = mlp.hiddenRepresentation(d.matrix)
      return try Dataset(
        features: h.elements, featureNames: (0..<width).map { "hidden_\($0)" }, labels: d.labels,
        classNames: d.classNames, groups: d.groups, groupNames: d.groupNames, name: d.name)
    }
    let train = try dataset(split.train)
    let standardizer = try Standardizer(fitting: train, columns: Array(0..<width))
    return (standardizer.apply(to: train), standardizer.apply(to: try dataset(split.test)))
  }

  /// The Gaussian model of a training split's continuous features and their column indices.
  ///
  /// - Throws: ``SteeringError`` when the split has no continuous feature or a cell is too small.
  public static func fitModel(_ train: Dataset, covariance: CovarianceEstimate, dataset: String) throws
    -> (model: GaussianModel, continuous: [Int])
  {
    let continuous = continuousColumns(train)
    guard !continuous.isEmpty else {
      throw SteeringError(field: "--dataset", problem: "\(dataset) has no continuous feature")
    }
    let model = try GaussianModel.estimate(
      features: train.matrix.columns(continuous), groups: train.groups, labels: train.labels,
      groupNames: train.groupNames, classNames: train.classNames, covariance: covariance)
    return (model, continuous)
  }

  /// Solves one intervention on `model`, steers the training rows' continuous block with their
  /// labels, weights each row by `q̃_ay / q̂_ay` and retrains the logistic regression.
  public static func trainSteered(
    _ train: Dataset, model: GaussianModel, continuous: [Int], options: SteeringOptions, l2: Double
  ) throws -> (result: SteeringResult, classifier: MultinomialLogisticRegression) {
    let result = try SteeringSolver.solve(model, options: options)
    let steeredTrain = steer(train.matrix, columns: continuous, groups: train.groups, classes: train.labels, result)
    let priorWeights = zip(train.groups, train.labels).map { result.steered.priors[$0][$1] / model.priors[$0][$1] }
    return (result, try fit(steeredTrain, labels: train.labels, weights: priorWeights, l2: l2))
  }

  /// The standardized numeric columns: those whose training values are not all 0 or 1 (the
  /// loaders one-hot encode categorical columns and standardize numeric ones).
  static func continuousColumns(_ d: Dataset) -> [Int] {
    (0..<d.featureCount).filter { j in
      (0..<d.rowCount).contains { i in
        let v = d.feature(row: i, column: j)
        return v != 0 && v != 1
      }
    }
  }

  /// The rows with their `columns` block replaced by `T_{a,y}(x)` for each row's group and class.
  static func steer(_ x: Matrix, columns: [Int], groups: [Int], classes: [Int], _ result: SteeringResult) -> Matrix {
    var out = x
    for i in 0..<x.rows {
      let block = columns.map { x[i, $0] }
      let mapped = result.maps[groups[i]][classes[i]].apply(block)
      for (k, j) in columns.enumerated() { out[i, j] = mapped[k] }
    }
    return out
  }

  static func fit(_ x: Matrix, labels: [Int], weights: [Double]?, l2: Double) throws -> MultinomialLogisticRegression {
    var model = MultinomialLogisticRegression(featureCount: x.columns, classCount: 2, l2Strength: l2)
    let report = try model.fit(
      x, labels: labels, weights: weights, options: LogisticRegressionFitOptions(gradientTolerance: 1e-8))
    guard report.converged else {
      throw SteeringError(
        field: "training", problem: "logistic regression did not converge (\(report.termination))",
        kind: .internalFailure)
    }
    return model
  }

  static func metrics(_ d: Dataset, predictions: [Int]) throws -> [String: Double] {
    let e = try FairnessEvaluation(
      groups: d.groups, labels: d.labels, predictions: predictions, groupNames: d.groupNames, classNames: d.classNames)
    guard let deo = e.equalOpportunity, let eo = e.equalizedOdds else {
      throw SteeringError(field: "test split", problem: "a group has no positive or negative sample")
    }
    return ["accuracy": e.accuracy, "dp": e.demographicParity, "deo": deo, "eo": eo]
  }
}

extension Matrix {
  /// The listed columns, in order.
  func columns(_ indices: [Int]) -> Matrix {
    var out = Matrix(rows: rows, columns: indices.count)
    for i in 0..<rows { for (k, j) in indices.enumerated() { out[i, k] = self[i, j] } }
    return out
  }
}
