namespace Microsoft.ML.Attention.Generation;

/// <summary>
/// Passes streamed text through until a stop sequence appears; the stop sequence and everything after it are dropped.
/// Text that could still turn out to be the start of a stop sequence is held back until the next piece decides it.
/// </summary>
internal sealed class StopSequenceFilter
{
    private readonly string[] _stopSequences;
    private readonly System.Text.StringBuilder _pending = new();

    /// <summary>Creates a filter for the given non-empty stop sequences (none: everything passes at once).</summary>
    public StopSequenceFilter(IEnumerable<string> stopSequences) => _stopSequences = stopSequences.ToArray();

    /// <summary>Whether a stop sequence has been seen; after that every piece is dropped.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Adds a piece of text; returns the text that is now certain to be output (possibly empty).</summary>
    public string Push(string piece)
    {
        if (Stopped)
        {
            return string.Empty;
        }

        _pending.Append(piece);
        string text = _pending.ToString();
        int stopAt = FirstStop(text);
        if (stopAt >= 0)
        {
            Stopped = true;
            _pending.Clear();
            return text[..stopAt];
        }

        int keep = LongestSuffixThatStartsAStop(text);
        _pending.Clear().Append(text, text.Length - keep, keep);
        return text[..^keep];
    }

    /// <summary>Returns the held-back text at the end of generation (it never completed a stop sequence).</summary>
    public string Flush()
    {
        string text = Stopped ? string.Empty : _pending.ToString();
        _pending.Clear();
        return text;
    }

    private int FirstStop(string text)
    {
        int first = -1;
        foreach (string stop in _stopSequences)
        {
            int at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (first < 0 || at < first))
            {
                first = at;
            }
        }

        return first;
    }

    private int LongestSuffixThatStartsAStop(string text)
    {
        int longest = 0;
        foreach (string stop in _stopSequences)
        {
            for (int length = Math.Min(stop.Length - 1, text.Length); length > longest; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    longest = length;
                    break;
                }
            }
        }

        return longest;
    }
}
