namespace Microsoft.ML.Attention.Tasks;

/// <summary>One regression example: a text (or a text pair, for a cross-encoder) and its target score (a similarity, say).</summary>
internal readonly record struct ScoredText(string Text, string? SecondText, float Score);
