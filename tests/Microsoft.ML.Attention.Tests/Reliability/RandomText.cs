using System.Text;

namespace Microsoft.ML.Attention.Tests.Reliability;

/// <summary>
/// Seeded random strings of the kinds real-world text brings: code points from every Unicode plane (assigned or not), lone high and
/// low surrogates, control characters and NUL, right-to-left and CJK scripts, stacked combining marks, emoji with ZWJ sequences,
/// flags and skin tones, special-token look-alikes, empty and whitespace-only rows, and mixtures of all of them.
/// </summary>
internal sealed class RandomText
{
    private static readonly string[] Words =
    [
        "the", "food", "was", "great", "[MASK]", "[CLS]", "[SEP]", "<|endoftext|>", "<s>", "</s>", "<unk>", "<0x41>", "##ing",
        "مرحبا", "שלום", "日本語", "中文", "한국어", "Ελληνικά", "русский", "हिन्दी", "ไทย", "\u202Eevil\u202C", "\u200F", "\u200E",
        "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇫🇷", "👍🏽", "❤️", "e\u0301", "Z\u0351\u0352\u0353\u0354\u0355\u0356", "\uFEFF", "\u200B", "\u00A0",
        "\u3000", "\u2028", "\u0085", "\0", "\t", "\r\n", "ﬁ", "Ⅻ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\uFFFD", "\uFFFF", "\U0010FFFF",
    ];

    private readonly Random _random;

    public RandomText(int seed) => _random = new Random(seed);

    /// <summary>A random row of at most <paramref name="maxLength"/> UTF-16 units (often far fewer).</summary>
    public string Next(int maxLength = 80)
    {
        return _random.Next(12) switch
        {
            0 => "",
            1 => Repeat(() => Pick(" ", "\t", "\n", "\r", "\u00A0", "\u3000", "\u2028", "\u200B", "\uFEFF"), maxLength),
            2 => Repeat(() => char.ToString((char)_random.Next(0xD800, 0xE000)), maxLength),   // lone and mismatched surrogates
            3 => Repeat(() => char.ToString((char)_random.Next(0, 0x20)), maxLength),         // C0 controls, NUL included
            4 => Repeat(AnyScalar, maxLength),
            5 => Repeat(() => Pick(Words), maxLength),
            6 => Repeat(() => char.ToString((char)_random.Next(0x4E00, 0xA000)), maxLength),   // CJK unified ideographs
            7 => Repeat(() => char.ToString((char)_random.Next(0x0590, 0x0700)), maxLength),   // Hebrew and Arabic
            8 => "a" + Repeat(() => char.ToString((char)_random.Next(0x0300, 0x0370)), maxLength - 1),   // stacked combining marks
            _ => Repeat(Mixed, maxLength),
        };
    }

    /// <summary>A row of exactly <paramref name="length"/> UTF-16 units, mixed from every kind above (a long real-world row).</summary>
    public string Long(int length)
    {
        var text = new StringBuilder(length + 16);
        while (text.Length < length)
        {
            text.Append(Mixed());
        }

        return text.ToString(0, length);
    }

    private string Mixed() => _random.Next(8) switch
    {
        0 => AnyScalar(),
        1 => char.ToString((char)_random.Next(0xD800, 0xE000)),
        2 => char.ToString((char)_random.Next(0, 0x20)),
        3 => " ",
        _ => Pick(Words),
    };

    // Any code point of planes 0-16 except the surrogate range: assigned, unassigned, private use and noncharacters alike.
    private string AnyScalar()
    {
        int plane = _random.Next(17);
        int value = (plane << 16) | _random.Next(0x10000);
        return value is >= 0xD800 and < 0xE000 ? "\uE000" : char.ConvertFromUtf32(value);
    }

    private string Repeat(Func<string> piece, int maxLength)
    {
        int target = _random.Next(1, Math.Max(2, maxLength));
        var text = new StringBuilder(target + 16);
        while (text.Length < target)
        {
            text.Append(piece());
        }

        return text.ToString();
    }

    private string Pick(params string[] choices) => choices[_random.Next(choices.Length)];
}
