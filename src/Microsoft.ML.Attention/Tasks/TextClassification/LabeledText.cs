namespace Microsoft.ML.Attention.Tasks;

/// <summary>One classification example: a text (or a text pair) and its 0-based class index (0/1 for binary).</summary>
internal readonly record struct LabeledText(string Text, string? SecondText, int Label);
