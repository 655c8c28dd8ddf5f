namespace Microsoft.ML.Attention;

/// <summary>One candidate in a ranking of <see cref="CandidateRanker"/>: its position in the candidate list and its score (higher is better).</summary>
/// <param name="Index">The candidate's 0-based position in the list that was ranked.</param>
/// <param name="Score">Cosine similarity (bi-encoder) or the scoring function's value (cross-encoder).</param>
public readonly record struct RankedCandidate(int Index, float Score);
