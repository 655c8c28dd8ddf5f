namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// The best answer span of one window: the context positions i ≤ j &lt; i + maxAnswerLength with the largest start logit of i plus
/// end logit of j. Positions of [CLS], the question, the separators and padding are never a start or an end.
/// </summary>
internal static class QuestionAnsweringSpanSearch
{
    /// <param name="start">Start logits of the window's positions.</param>
    /// <param name="end">End logits of the window's positions.</param>
    /// <param name="contextOffset">Position of the window's first context token.</param>
    /// <param name="contextCount">Context tokens in the window (at least 1).</param>
    /// <param name="maxAnswerLength">The most tokens of an answer.</param>
    /// <returns>The first and last context token of the span, counted from the window's first context token, and its score.</returns>
    public static (int First, int Last, float Score) Best(ReadOnlySpan<float> start, ReadOnlySpan<float> end, int contextOffset, int contextCount, int maxAnswerLength)
    {
        (int First, int Last, float Score) best = (0, 0, float.NegativeInfinity);
        for (int i = 0; i < contextCount; i++)
        {
            float startLogit = start[contextOffset + i];
            int last = Math.Min(contextCount, i + maxAnswerLength);
            for (int j = i; j < last; j++)
            {
                float score = startLogit + end[contextOffset + j];
                if (score > best.Score)
                    best = (i, j, score);
            }
        }
        return best;
    }
}
