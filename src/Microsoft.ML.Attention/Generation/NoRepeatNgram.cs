namespace Microsoft.ML.Attention.Generation;

/// <summary>
/// Hugging Face's <c>no_repeat_ngram_size</c>: the tokens that would complete an n-gram already present in a sequence, so that no
/// n-gram occurs twice.
/// </summary>
internal static class NoRepeatNgram
{
    /// <summary>
    /// The tokens t for which <c>sequence + [t]</c> would end with an n-gram that already occurs in <paramref name="sequence"/>:
    /// for each earlier occurrence of the last n - 1 tokens, the token that followed it. Empty when <paramref name="size"/> is 0 or the
    /// sequence is shorter than n - 1.
    /// </summary>
    /// <param name="sequence">The tokens so far (start token included).</param>
    /// <param name="size">n; 0 = off.</param>
    public static List<int> BannedTokens(IReadOnlyList<int> sequence, int size)
    {
        var banned = new List<int>();
        if (size <= 0 || sequence.Count < size)
        {
            return banned;
        }

        int prefixLength = size - 1;
        int prefixStart = sequence.Count - prefixLength;
        for (int start = 0; start + prefixLength < sequence.Count; start++)
        {
            bool same = true;
            for (int k = 0; k < prefixLength && same; k++)
            {
                same = sequence[start + k] == sequence[prefixStart + k];
            }

            if (same)
            {
                banned.Add(sequence[start + prefixLength]);
            }
        }

        return banned;
    }
}
