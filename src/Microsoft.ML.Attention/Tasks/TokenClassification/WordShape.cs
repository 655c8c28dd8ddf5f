namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// The shape of a word's original text (<see cref="WordShapes.Of"/>), the token-classification case feature: what an uncased tokenizer
/// throws away. The values index the rows of <see cref="Modeling.TokenClassifier"/>'s shape embedding and are saved in models' weights:
/// never renumber them.
/// </summary>
internal enum WordShape
{
    /// <summary>Not a word: [CLS], [SEP] and padding.</summary>
    None = 0,

    /// <summary>Cased letters, all lower case: <c>the</c>, <c>jury's</c>.</summary>
    Lower = 1,

    /// <summary>The first cased letter upper case, the others lower case (one capital letter counts): <c>Fulton</c>, <c>I</c>, <c>A.</c>.</summary>
    Capitalized = 2,

    /// <summary>Two or more cased letters, all upper case: <c>FBI</c>, <c>U.S.</c>.</summary>
    Upper = 3,

    /// <summary>Upper case after the first cased letter, and some lower case: <c>McDonald</c>, <c>iPhone</c>.</summary>
    Mixed = 4,

    /// <summary>No cased letter, a digit: <c>1961</c>, <c>3,000</c>.</summary>
    Digits = 5,

    /// <summary>No cased letter, no digit: punctuation, symbols, letters without case (CJK), the empty word: <c>.</c>, <c>``</c>.</summary>
    Other = 6,
}
