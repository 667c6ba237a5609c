/// How a `TextClassifier` is trained: features, regularisation and model-size trade-offs.
public struct ClassifierOptions: Hashable, Sendable {
    /// How training examples are weighted by class.
    public enum ClassWeighting: Hashable, Sendable {
        /// Every example counts the same.
        case uniform
        /// Each class counts as if it had as many examples as the average class (sklearn's "balanced").
        case balanced
    }

    /// Lengths of the character n-grams used as features (1…2 or 1…3).
    public var ngrams: ClosedRange<Int>
    /// Whether whole ASCII words and numbers are features too.
    public var words: Bool
    /// Use 1 + ln(tf) instead of the raw count.
    public var sublinearTF: Bool
    /// Features seen in fewer training texts are dropped.
    public var minimumDocumentFrequency: Int
    /// The SVM's C: larger fits the training data more closely.
    public var regularization: Double
    /// Class weighting of the hinge loss.
    public var classWeighting: ClassWeighting
    /// Dual coordinate-descent stopping tolerance on the projected-gradient gap.
    public var tolerance: Double
    /// Upper bound on passes over the data per class.
    public var maxIterations: Int
    /// Seed of the example order in coordinate descent.
    public var seed: UInt64
    /// Scale features by naive-Bayes log-count ratios before the SVM (NBSVM).
    public var naiveBayesScaling: Bool = true
    /// Additive smoothing of the NBSVM ratios.
    public var naiveBayesSmoothing: Double = 1
    /// NBSVM interpolation β between the NB direction (0) and the SVM weights (1).
    public var naiveBayesInterpolation: Double = 1
    /// Average an NBSVM with a plain SVM (both linear, so the result is one weight matrix).
    public var ensembleWithPlainSVM: Bool = true
    /// Softmax temperature that turns decision values into the shown probabilities.
    public var probabilityScale: Double

    /// Defaults measured on 12345 messages (REPORT.md): 1–2-grams and words, C = 1, balanced class
    /// weights, a plain SVM averaged with an NBSVM. `plainSVM` gives sklearn's `LinearSVC` setup.
    public init(
        ngrams: ClosedRange<Int> = 1...2,
        words: Bool = true,
        sublinearTF: Bool = true,
        minimumDocumentFrequency: Int = 1,
        regularization: Double = 1,
        classWeighting: ClassWeighting = .balanced,
        tolerance: Double = 0.01,
        maxIterations: Int = 1000,
        seed: UInt64 = 1,
        probabilityScale: Double = 4
    ) {
        self.ngrams = ngrams
        self.words = words
        self.sublinearTF = sublinearTF
        self.minimumDocumentFrequency = minimumDocumentFrequency
        self.regularization = regularization
        self.classWeighting = classWeighting
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.seed = seed
        self.probabilityScale = probabilityScale
    }

    /// The setup of scikit-learn's `TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True)`
    /// + `LinearSVC()`: uniform weights, no NB scaling.
    public static var plainSVM: ClassifierOptions {
        var options = ClassifierOptions(classWeighting: .uniform)
        options.naiveBayesScaling = false
        options.ensembleWithPlainSVM = false
        return options
    }
}
