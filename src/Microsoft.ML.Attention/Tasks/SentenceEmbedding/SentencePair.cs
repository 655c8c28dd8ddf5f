namespace Microsoft.ML.Attention.Tasks;

/// <summary>One sentence-embedding training row: an anchor, its positive (a text that should embed close to it) and, optionally, a hard negative.</summary>
internal readonly record struct SentencePair(string Anchor, string Positive, string? Negative = null);
