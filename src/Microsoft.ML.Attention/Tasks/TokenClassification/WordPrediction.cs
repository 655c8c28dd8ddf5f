namespace Microsoft.ML.Attention.Tasks;

/// <summary>The prediction for one word of a sentence.</summary>
/// <param name="Label">The predicted class index in [0, C).</param>
/// <param name="Score">The probability of <paramref name="Label"/> (softmax over the C classes, aggregated over the word's sub-words).</param>
internal readonly record struct WordPrediction(int Label, float Score);
