/// The example `fairmem analyze` runs on when no input is given: an Adult-like binary income
/// classifier with two groups (the example of the project's first issue). Base rates differ
/// (25% vs 42% earn >50K) and the classifier is better on men.
public enum BuiltInExample {
  public static let name = "built-in example (Adult-like income classifier, groups female/male)"

  public static let json = """
    {
      "description": "Adult-like income classifier: P(A,Y) and per-group confusion matrices",
      "groups": ["female", "male"],
      "classes": ["<=50K", ">50K"],
      "population": [[0.30, 0.10], [0.35, 0.25]],
      "confusion": [[[0.9, 0.1], [0.4, 0.6]], [[0.8, 0.2], [0.2, 0.8]]]
    }
    """

  /// The same example as counts of 1,000 records (the probabilities times 1,000), for the
  /// commands that need a sample size (`fairmem robust` without a file).
  public static let countsName = "built-in example as counts of 1000 records (Adult-like, groups female/male)"

  public static let countsJSON = """
    {
      "description": "Adult-like income classifier: the built-in example as counts of 1000 records",
      "groups": ["female", "male"],
      "classes": ["<=50K", ">50K"],
      "counts": [[[270, 30], [40, 60]], [[280, 70], [50, 200]]]
    }
    """
}
