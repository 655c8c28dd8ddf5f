using System.Text;
using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.Tests.Tokenization;

public class Llama2cTokenizerTests
{
    internal static readonly Lazy<TextTokenizer> Tok512 = new(() => TextTokenizer.CreateLlama2c(TokenizerPath, vocabularySize: 512));

    internal static string TokenizerPath => TestData.Path("weights", "stories260K", "tok512.bin");

    [Fact]
    public void Once_upon_a_time_encodes_to_four_pieces_and_round_trips()
    {
        TextTokenizer tokenizer = Tok512.Value;
        int[] ids = tokenizer.Encode("Once upon a time");
        Assert.Equal([403, 407, 261, 378], ids);
        Assert.Equal("Once upon a time", tokenizer.Decode(ids));
    }

    [Fact]
    public void Decode_follows_run_c_stripping_the_leading_space_only_after_bos()
    {
        TextTokenizer tokenizer = Tok512.Value;
        Assert.Equal("Once", Encoding.UTF8.GetString(tokenizer.DecodeTokenBytes(previousId: 1, id: 403)));
        Assert.Equal(" upon", Encoding.UTF8.GetString(tokenizer.DecodeTokenBytes(previousId: 403, id: 407)));
        Assert.Equal(" Once", Encoding.UTF8.GetString(tokenizer.DecodeTokenBytes(previousId: 13, id: 403)));
        Assert.Equal("Once upon\n time", tokenizer.Decode([1, 403, 407, 13, 378]));
    }

    [Fact]
    public void Byte_pieces_decode_to_raw_bytes_assembled_before_utf8()
    {
        TextTokenizer tokenizer = Tok512.Value;
        Assert.Equal([(byte)'\n'], tokenizer.DecodeTokenBytes(1, 3 + '\n'));

        // "☃" is not a piece: after the dummy-prefix space, byte fallback gives its UTF-8 E2 98 83 as ids 3 + byte.
        int[] ids = tokenizer.Encode("☃");
        Assert.Equal([3 + 0xE2, 3 + 0x98, 3 + 0x83], ids[1..]);
        Assert.Equal(" ", Encoding.UTF8.GetString(tokenizer.DecodeTokenBytes(previousId: 13, id: ids[0])));
        Assert.Equal("☃", tokenizer.Decode(ids));
    }

    [Fact]
    public void Special_ids_are_run_c_s_and_pad_mask_are_added_after_the_512_pieces()
    {
        TextTokenizer tokenizer = Tok512.Value;
        Assert.Equal(new SpecialTokenIds(Pad: 512, Mask: 513, Bos: 1, Eos: 2, Unk: 0), tokenizer.Special);
        Assert.Equal(512, tokenizer.BaseVocabularySize);
        Assert.Equal(514, tokenizer.VocabularySize);
        Assert.Equal("\n<s>\nOnce\n</s>\n", tokenizer.Decode([1, 403, 2], skipSpecialTokens: false));
        Assert.Equal("Once", tokenizer.Decode([1, 403, 2, 512]));
    }

    [Fact]
    public void Truncated_file_is_invalid_data_naming_the_file()
    {
        byte[] bytes = File.ReadAllBytes(TokenizerPath);
        string path = Path.Combine(Path.GetTempPath(), "tok512-truncated-" + Guid.NewGuid().ToString("N") + ".bin");
        File.WriteAllBytes(path, bytes[..(bytes.Length - 3)]);
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => TextTokenizer.CreateLlama2c(path));
            Assert.Contains(path, error.Message);
            Assert.Contains("truncated", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Negative_piece_length_is_invalid_data_naming_the_token()
    {
        byte[] bytes = File.ReadAllBytes(TokenizerPath);

        // Token 0's length field sits after max_token_length (4 bytes) and its score (4 bytes).
        BitConverter.GetBytes(-5).CopyTo(bytes, 8);
        string path = Path.Combine(Path.GetTempPath(), "tok512-negative-" + Guid.NewGuid().ToString("N") + ".bin");
        File.WriteAllBytes(path, bytes);
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => TextTokenizer.CreateLlama2c(path));
            Assert.Contains(path, error.Message);
            Assert.Contains("token 0 has length -5", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Token_count_other_than_the_model_s_is_invalid_data()
    {
        var error = Assert.Throws<InvalidDataException>(() => TextTokenizer.CreateLlama2c(TokenizerPath, vocabularySize: 32000));
        Assert.Contains("512", error.Message);
        Assert.Contains("32000", error.Message);
    }

    [Fact]
    public void Stream_decoder_emits_a_multibyte_character_only_when_complete()
    {
        TextTokenizer tokenizer = Tok512.Value;
        TokenStreamDecoder decoder = tokenizer.CreateStreamDecoder();
        int[] ids = tokenizer.Encode("Once ☃ time");
        string[] pieces = [.. ids.Select(decoder.Append)];
        Assert.Equal("Once ☃ time", string.Concat(pieces) + decoder.Flush());
        Assert.DoesNotContain(pieces, piece => piece.Contains('\uFFFD'));
    }
}
