namespace Microsoft.ML.Attention.Tasks;

/// <summary>One candidate span of a window: its first and last context token, counted from the window's first context token.</summary>
internal readonly record struct ScoredSpan(int First, int Last, float Score);

/// <summary>
/// The best answer spans of one window: the context positions i ≤ j &lt; i + maxAnswerLength with the largest start logit of i plus
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
    public static ScoredSpan Best(ReadOnlySpan<float> start, ReadOnlySpan<float> end, int contextOffset, int contextCount, int maxAnswerLength)
    {
        var best = new ScoredSpan(0, 0, float.NegativeInfinity);
        for (int i = 0; i < contextCount; i++)
        {
            float startLogit = start[contextOffset + i];
            int last = Math.Min(contextCount, i + maxAnswerLength);
            for (int j = i; j < last; j++)
            {
                float score = startLogit + end[contextOffset + j];
                if (score > best.Score)
                    best = new ScoredSpan(i, j, score);
            }
        }
        return best;
    }

    /// <summary>
    /// The <paramref name="count"/> best spans of one window, best first (the same rules as <see cref="Best"/>; ties keep the earlier
    /// span first). <c>Top(..., 1)[0]</c> equals <see cref="Best"/>.
    /// </summary>
    /// <param name="start">Start logits of the window's positions.</param>
    /// <param name="end">End logits of the window's positions.</param>
    /// <param name="contextOffset">Position of the window's first context token.</param>
    /// <param name="contextCount">Context tokens in the window (at least 1).</param>
    /// <param name="maxAnswerLength">The most tokens of an answer.</param>
    /// <param name="count">Spans wanted (at least 1); fewer come back when the window has fewer.</param>
    public static List<ScoredSpan> Top(ReadOnlySpan<float> start, ReadOnlySpan<float> end, int contextOffset, int contextCount, int maxAnswerLength, int count)
    {
        if (count == 1)
            return [Best(start, end, contextOffset, contextCount, maxAnswerLength)];
        // A min-heap of the best spans so far; the priority breaks ties towards the earlier span, as Best does.
        var heap = new PriorityQueue<ScoredSpan, (float Score, int Order)>();
        int order = 0;
        for (int i = 0; i < contextCount; i++)
        {
            float startLogit = start[contextOffset + i];
            int last = Math.Min(contextCount, i + maxAnswerLength);
            for (int j = i; j < last; j++, order++)
            {
                var span = new ScoredSpan(i, j, startLogit + end[contextOffset + j]);
                if (heap.Count < count)
                    heap.Enqueue(span, (span.Score, -order));
                else if (span.Score > heap.Peek().Score)
                    heap.EnqueueDequeue(span, (span.Score, -order));
            }
        }
        var spans = new List<ScoredSpan>(heap.Count);
        while (heap.Count > 0)
            spans.Add(heap.Dequeue());
        spans.Reverse();
        return spans;
    }
}
