// swift-tools-version:6.1
// FairMem: can memorizing part of the data make a classifier look fair, and how much would it
// have to memorize? See README.md and Docs/architecture.md for the module map. The benchmark
// drivers are a separate package (Benchmarks/Package.swift) that depends on this one by path.
import PackageDescription

let strictSettings: [SwiftSetting] = [
  .enableUpcomingFeature("MemberImportVisibility"),
  .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
  name: "FairMem",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "fairmem", targets: ["fairmem"]),
    .library(name: "LinearProgramming", targets: ["LinearProgramming"]),
    .library(name: "FairnessStatistics", targets: ["FairnessStatistics"]),
    .library(name: "FairMemJSON", targets: ["FairMemJSON"]),
    .library(name: "MemorizationTheory", targets: ["MemorizationTheory"]),
    .library(name: "DenseLinearAlgebra", targets: ["DenseLinearAlgebra"]),
    .library(name: "FairnessData", targets: ["FairnessData"]),
    .library(name: "FairnessModels", targets: ["FairnessModels"]),
    .library(name: "Influence", targets: ["Influence"]),
    .library(name: "Mitigation", targets: ["Mitigation"]),
    .library(name: "Memorizers", targets: ["Memorizers"]),
    .library(name: "SeededRandom", targets: ["SeededRandom"]),
    .library(name: "FailureReporting", targets: ["FailureReporting"]),
    .library(name: "DemographicsFreeReweighting", targets: ["DemographicsFreeReweighting"]),
    .library(name: "OptimalSteering", targets: ["OptimalSteering"]),
    // The C ABI (include/fairmem.h): libFairMemABI.so, loaded by the Python package `fairmem`.
    .library(name: "FairMemABI", type: .dynamic, targets: ["FairMemABI"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    .package(url: "https://github.com/attaswift/BigInt", from: "6.0.1"),
  ],
  targets: [
    // C system libraries (Debian packages; see Scripts/setup.sh).
    .systemLibrary(name: "CGLPK", providers: [.apt(["libglpk-dev"])]),
    .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CLAPACKE", pkgConfig: "lapacke", providers: [.apt(["liblapacke-dev"])]),

    // Whose fault a failure is (bad input: exit 2, internal: exit 3): every library's errors conform.
    .target(name: "FailureReporting", swiftSettings: strictSettings),
    // Small deterministic random number generators, unbiased bounded draws and shuffles: every
    // seeded draw of FairMem (tests, synthetic data, splits, models, memorized sets).
    .target(name: "SeededRandom", swiftSettings: strictSettings),
    // How numbers are written in text (tables, reports, sentences, notes).
    .target(name: "NumberText", swiftSettings: strictSettings),
    // The only module that calls GLPK: a value-type LP model, simplex / exact simplex / MIP.
    .target(name: "LinearProgramming", dependencies: ["CGLPK", "FailureReporting"], swiftSettings: strictSettings),
    // Statistics foundation (pure Swift: no GLPK, no Foundation): populations, prediction counts,
    // exact rationals, the one metric vocabulary, rates, gaps, scalar summaries, bootstrap intervals.
    .target(
      name: "FairnessStatistics",
      dependencies: ["FailureReporting", "SeededRandom", .product(name: "BigInt", package: "BigInt")],
      swiftSettings: strictSettings),
    // JSON input and output in one place: the strict fast reader, the statistics decoder (input
    // format), the deterministic writer and the Codable encoder every `--json` report goes through.
    .target(
      name: "FairMemJSON", dependencies: ["FairnessStatistics", "FailureReporting"], swiftSettings: strictSettings),
    // The memorization theory on top of the statistics: R0-R7, LP formulations, certificates, exact mode.
    .target(
      name: "MemorizationTheory",
      dependencies: [
        "FairnessStatistics", "LinearProgramming", "FailureReporting", "SeededRandom",
        .product(name: "RealModule", package: "swift-numerics"),
      ],
      swiftSettings: strictSettings),
    // Dense matrices over OpenBLAS (cblas) and LAPACKE.
    .target(
      name: "DenseLinearAlgebra", dependencies: ["CBLAS", "CLAPACKE", "FailureReporting"],
      swiftSettings: strictSettings),
    // Datasets: real-data loaders (Adult, COMPAS, German), generic CSV, synthetic populations, splits.
    .target(
      name: "FairnessData", dependencies: ["SeededRandom", "DenseLinearAlgebra", "FailureReporting"],
      swiftSettings: strictSettings),
    // Models: multinomial logistic regression and a one-hidden-layer MLP with gradients and HVPs.
    .target(
      name: "FairnessModels",
      dependencies: ["DenseLinearAlgebra", "SeededRandom", "FailureReporting"],
      swiftSettings: strictSettings),
    // Memorizing classifiers (lookup, nearest neighbour, interpolating MLP) and theory validation.
    .target(
      name: "Memorizers",
      dependencies: [
        "FairnessModels", "FairnessData", "FairnessStatistics", "MemorizationTheory", "SeededRandom",
        "DenseLinearAlgebra", "NumberText", "FailureReporting",
      ],
      swiftSettings: strictSettings),
    // Influence functions: per-sample gradients, inverse-Hessian-vector products (exact, CG,
    // LiSSA, diagonal Fisher), smooth fairness targets and the fairness influence of every point.
    .target(
      name: "Influence",
      dependencies: ["FairnessModels", "DenseLinearAlgebra", "FairnessData", "SeededRandom", "FailureReporting"],
      swiftSettings: strictSettings),
    // Mitigation: influence-based reweighting rules (Fair-IJ, drop-K/upweight-M, I-JACK, SIM-JACK,
    // FairIF), applying weights (IJ edit or retraining), selection and experiments.
    .target(
      name: "Mitigation",
      dependencies: [
        "Influence", "FairnessModels", "DenseLinearAlgebra", "FairnessData", "FairnessStatistics", "SeededRandom",
        "FailureReporting", "NumberText",
      ],
      swiftSettings: strictSettings),
    // Fairness without demographics: group-free adversarial reweighting (graph of gradients, seed 003),
    // with ERM, ARL, CVaR DRO and the feature-graph ablation; groups only for selection and evaluation.
    .target(
      name: "DemographicsFreeReweighting",
      dependencies: [
        "DenseLinearAlgebra", "FairnessModels", "FairnessData", "FairnessStatistics", "SeededRandom",
        "FailureReporting", "Mitigation",
      ],
      swiftSettings: strictSettings),
    // Optimal steering to exact fairness (seed 002): Gaussian class-conditional models, the
    // ideal-distribution check, KL-optimal affine interventions and their W2 maps (pure math).
    .target(
      name: "OptimalSteering", dependencies: ["DenseLinearAlgebra", "SeededRandom", "FailureReporting"],
      swiftSettings: strictSettings),
    // Steering real data: Gaussian fits of the continuous features, steered training sets,
    // retrained logistic regressions, transfer-bound checks over seeded splits.
    .target(
      name: "SteeringExperiment",
      dependencies: [
        "OptimalSteering", "FairnessData", "FairnessModels", "FairnessStatistics", "Mitigation", "DenseLinearAlgebra",
        "FailureReporting", "SeededRandom",
      ],
      swiftSettings: strictSettings),
    // Every `fairmem` subcommand, as a library so tests can parse commands without a process.
    .target(
      name: "FairMemCommands",
      dependencies: [
        "FairnessStatistics", "FairMemJSON", "MemorizationTheory", "LinearProgramming", "FairnessData",
        "Memorizers", "FailureReporting", "Influence", "Mitigation", "NumberText", "DemographicsFreeReweighting",
        "OptimalSteering", "SteeringExperiment", "FairnessModels",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strictSettings),
    // The C ABI: JSON requests run as the `fairmem` subcommand they name (include/fairmem.h).
    .target(
      name: "FairMemABI",
      dependencies: [
        "FairMemCommands", "FairMemJSON", "DenseLinearAlgebra",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strictSettings),
    .executableTarget(
      name: "fairmem",
      dependencies: [
        "FairMemCommands", "DenseLinearAlgebra", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strictSettings),

    // Test-only helpers: tolerances, approximate comparison, seeded generators that print their seed.
    .target(
      name: "_TestSupport",
      dependencies: ["SeededRandom", .product(name: "RealModule", package: "swift-numerics")],
      path: "Tests/_TestSupport", swiftSettings: strictSettings),
    .testTarget(name: "LinearProgrammingTests", dependencies: ["LinearProgramming", "_TestSupport"]),
    .testTarget(
      name: "FairnessStatisticsTests",
      dependencies: ["FairnessStatistics", "FairMemJSON", "FailureReporting", "_TestSupport"]),
    .testTarget(
      name: "MemorizationTheoryTests",
      dependencies: [
        "MemorizationTheory", "FairnessStatistics", "FairMemJSON", "LinearProgramming", "_TestSupport",
        .product(name: "BigInt", package: "BigInt"),
      ]),
    .testTarget(name: "DenseLinearAlgebraTests", dependencies: ["DenseLinearAlgebra", "_TestSupport"]),
    .testTarget(name: "FairnessDataTests", dependencies: ["FairnessData", "_TestSupport"]),
    .testTarget(name: "FairnessModelsTests", dependencies: ["FairnessModels", "FairnessData", "_TestSupport"]),
    .testTarget(
      name: "MemorizersTests", dependencies: ["Memorizers", "MemorizationTheory", "FairnessStatistics", "_TestSupport"]),
    .testTarget(
      name: "InfluenceTests",
      dependencies: ["Influence", "FairnessModels", "DenseLinearAlgebra", "FairnessData", "_TestSupport"]),
    .testTarget(
      name: "MitigationTests",
      dependencies: [
        "Mitigation", "Influence", "FairnessModels", "DenseLinearAlgebra", "FairnessData", "FairnessStatistics",
        "_TestSupport",
      ]),
    .testTarget(name: "OptimalSteeringTests", dependencies: ["OptimalSteering", "DenseLinearAlgebra", "_TestSupport"]),
    .testTarget(
      name: "SteeringExperimentTests",
      dependencies: [
        "SteeringExperiment", "OptimalSteering", "FairnessData", "Mitigation", "DenseLinearAlgebra", "_TestSupport",
      ]),
    .testTarget(
      name: "DemographicsFreeReweightingTests",
      dependencies: [
        "DemographicsFreeReweighting", "FairnessModels", "FairnessData", "DenseLinearAlgebra", "Mitigation",
        "_TestSupport",
      ]),
    .testTarget(
      name: "CLITests",
      dependencies: [
        "FairMemCommands", "MemorizationTheory", "FairnessStatistics", "Mitigation", "Memorizers", "FairnessData",
        "FairnessModels", "Influence", "DenseLinearAlgebra", "FailureReporting", "_TestSupport",
      ]),
    .testTarget(name: "FairMemABITests", dependencies: ["FairMemABI", "FairMemCommands"]),
  ]
)

// libFuzzer targets (Fuzz/, Docs/fuzzing.md), declared only when FAIRMEM_FUZZ=1: they link
// libFuzzer's runtime and are built by Scripts/fuzz.sh in their own scratch path (.build-fuzz)
// with coverage instrumentation, never by a plain `swift build`.
if Context.environment["FAIRMEM_FUZZ"] == "1" {
  package.targets += [
    .target(name: "FuzzingDriver", path: "Fuzz/Driver", swiftSettings: strictSettings),
    .executableTarget(
      name: "StatisticsDecoderFuzz",
      dependencies: ["FuzzingDriver", "FairMemJSON", "FairnessStatistics", "FailureReporting"],
      path: "Fuzz/StatisticsDecoderFuzz", swiftSettings: strictSettings),
    .executableTarget(
      name: "CSVTableFuzz", dependencies: ["FuzzingDriver", "FairnessData"], path: "Fuzz/CSVTableFuzz",
      swiftSettings: strictSettings),
    .executableTarget(
      name: "SweepLineFuzz", dependencies: ["FuzzingDriver", "FairMemCommands", "FairMemJSON", "FairnessStatistics"],
      path: "Fuzz/SweepLineFuzz", swiftSettings: strictSettings),
  ]
}
