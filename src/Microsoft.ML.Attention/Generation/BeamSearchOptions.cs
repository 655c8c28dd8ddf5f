using System.Globalization;

namespace Microsoft.ML.Attention.Generation;

/// <summary>
/// How <see cref="SequenceToSequenceGenerator"/> searches for an output sequence beyond one token at a time: the beam width, the
/// length normalization of finished hypotheses, when a row stops, and n-gram blocking (Hugging Face's <c>num_beams</c>,
/// <c>length_penalty</c>, <c>early_stopping</c>, <c>no_repeat_ngram_size</c>). Every property documents its default;
/// <see cref="Validate"/> checks them all.
/// </summary>
public sealed class BeamSearchOptions
{
    /// <summary>
    /// Hypotheses kept per row. Default 1: no beam search; each step takes the token <see cref="GenerationOptions"/> samples
    /// (greedy at temperature 0). Above 1, beam search, which is deterministic and ignores the sampling settings (temperature, top-k,
    /// top-p, repetition penalty, seed). Must be in [1, 64].
    /// </summary>
    public int BeamSize { get; set; } = 1;

    /// <summary>
    /// Exponent of the length a finished hypothesis's summed log-probability is divided by: score = sum log p / length^LengthPenalty,
    /// length counting the generated tokens with the end token. Above 0 favours longer outputs, below 0 shorter ones, 0 compares raw sums.
    /// Default 1.0; must be finite. Beam search only.
    /// </summary>
    public float LengthPenalty { get; set; } = 1.0f;

    /// <summary>
    /// Whether a row stops as soon as it has <see cref="BeamSize"/> finished hypotheses (true), or only once no unfinished beam can
    /// still beat the worst of them (false, default; the bound assumes the length-normalized score of a beam does not improve). Beam search only.
    /// </summary>
    public bool EarlyStopping { get; set; }

    /// <summary>
    /// No n-gram of this many tokens may occur twice in an output (the start token counts): a token that would repeat one is never
    /// chosen. Default 0 (off); must be at least 0. Applies to beam search and to greedy decoding and sampling alike.
    /// </summary>
    public int NoRepeatNgramSize { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option whose value is out of range.</summary>
    /// <exception cref="ArgumentException">An option is out of its documented range.</exception>
    public void Validate()
    {
        if (BeamSize < 1 || BeamSize > 64)
        {
            throw Invalid(nameof(BeamSize), BeamSize, "must be in [1, 64] (1 = no beam search)");
        }

        if (!float.IsFinite(LengthPenalty))
        {
            throw Invalid(nameof(LengthPenalty), LengthPenalty, "must be finite (1 = divide by the length)");
        }

        if (NoRepeatNgramSize < 0)
        {
            throw Invalid(nameof(NoRepeatNgramSize), NoRepeatNgramSize, "must be at least 0 (0 = off)");
        }
    }

    private static ArgumentException Invalid(string option, IFormattable value, string rule) =>
        new($"{option} = {value.ToString(null, CultureInfo.InvariantCulture)} is invalid: it {rule}.", option);
}
