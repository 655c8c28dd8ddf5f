namespace Microsoft.ML.Attention.Tasks;

/// <summary>One labeled sentence for token classification.</summary>
/// <param name="Words">The words.</param>
/// <param name="Labels">One class index per word, each in [0, C).</param>
internal sealed record TokenClassificationExample(string[] Words, int[] Labels);
