using System.Text.RegularExpressions;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// sacreBLEU's default BLEU tokenization, "13a" (the mteval-v13a.pl rules, <c>sacrebleu/tokenizers/tokenizer_13a.py</c>): drop
/// <c>&lt;skipped&gt;</c>, join lines, unescape <c>&amp;quot; &amp;amp; &amp;lt; &amp;gt;</c>, then split off ASCII punctuation and symbols,
/// periods and commas not between digits, and a dash after a digit; case is kept.
/// </summary>
internal static partial class Tokenizer13a
{
    /// <summary>The tokens of <paramref name="line"/> (null is empty).</summary>
    public static string[] Tokenize(string? line)
    {
        line ??= string.Empty;
        line = line.Replace("<skipped>", string.Empty, StringComparison.Ordinal)
            .Replace("-\n", string.Empty, StringComparison.Ordinal)
            .Replace("\n", " ", StringComparison.Ordinal);
        if (line.Contains('&', StringComparison.Ordinal))
        {
            line = line.Replace("&quot;", "\"", StringComparison.Ordinal)
                .Replace("&amp;", "&", StringComparison.Ordinal)
                .Replace("&lt;", "<", StringComparison.Ordinal)
                .Replace("&gt;", ">", StringComparison.Ordinal);
        }

        line = $" {line} ";
        line = Symbols().Replace(line, " $1 ");
        line = PeriodOrCommaAfterNonDigit().Replace(line, "$1 $2 ");
        line = PeriodOrCommaBeforeNonDigit().Replace(line, " $1 $2");
        line = DashAfterDigit().Replace(line, "$1 $2 ");
        return line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
    }

    // The character ranges {-~ [-` space-& (-+ :-@ and /: ASCII punctuation and symbols except ' , - . which have their own rules.
    [GeneratedRegex(@"([{-~\[-` -&(-+:-@/])", RegexOptions.CultureInvariant)]
    private static partial Regex Symbols();

    [GeneratedRegex(@"([^0-9])([.,])", RegexOptions.CultureInvariant)]
    private static partial Regex PeriodOrCommaAfterNonDigit();

    [GeneratedRegex(@"([.,])([^0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex PeriodOrCommaBeforeNonDigit();

    [GeneratedRegex(@"([0-9])(-)", RegexOptions.CultureInvariant)]
    private static partial Regex DashAfterDigit();
}
