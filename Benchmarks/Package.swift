// swift-tools-version:6.1
// FairMem's benchmark drivers, a package of their own so they are not products of FairMem: each
// depends on the FairMem libraries by path. Built and run by Benchmarks/<name>/run.sh (see
// Docs/benchmarks.md).
import PackageDescription

let strictSettings: [SwiftSetting] = [
  .enableUpcomingFeature("MemberImportVisibility"),
  .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
  name: "FairMemBenchmarks",
  platforms: [.macOS(.v15)],
  dependencies: [.package(name: "FairMem", path: "..")],
  targets: [
    // FairMem logistic regression on Adult vs scikit-learn (Benchmarks/lr-adult/run.sh).
    .executableTarget(
      name: "lr-bench",
      dependencies: [
        .product(name: "FairnessModels", package: "FairMem"), .product(name: "FairnessData", package: "FairMem"),
        .product(name: "DenseLinearAlgebra", package: "FairMem"),
      ],
      path: "lr-adult/Sources", swiftSettings: strictSettings),
    // Fairness influence on Adult vs NumPy and PyTorch (Benchmarks/influence/run.sh).
    .executableTarget(
      name: "influence-bench",
      dependencies: [
        .product(name: "Influence", package: "FairMem"), .product(name: "FairnessModels", package: "FairMem"),
        .product(name: "FairnessData", package: "FairMem"), .product(name: "DenseLinearAlgebra", package: "FairMem"),
        .product(name: "SeededRandom", package: "FairMem"),
      ],
      path: "influence/Sources", swiftSettings: strictSettings),
  ]
)
