using Microsoft.ML.Attention.Tokenization;
using TorchSharp;

namespace Microsoft.ML.Attention.Tests.Tokenization;

public class BatchEncoderTests
{
    // Character vocabulary "abcdefgh" -> ids 0..7; Pad 8, Mask 9, Bos 10, Eos 11, Unk 12.
    private static readonly TextTokenizer Chars = TextTokenizer.CreateCharacter(["abcdefgh"]);

    [Fact]
    public void Encoder_rows_are_bos_text_eos_padded_right_with_mask_and_lengths()
    {
        EncodedBatch batch = BatchEncoder.EncodeForEncoder(Chars, ["abc", null, "a"], maxLength: 16);

        Assert.Equal(3, batch.BatchSize);
        Assert.Equal(5, batch.SequenceLength);
        Assert.Equal(
            [10, 0, 1, 2, 11,
             10, 11, 8, 8, 8,
             10, 0, 11, 8, 8],
            batch.InputIds);
        Assert.Equal(
            [1, 1, 1, 1, 1,
             1, 1, 0, 0, 0,
             1, 1, 1, 0, 0],
            batch.AttentionMask);
        Assert.Equal([5, 2, 3], batch.Lengths);
        Assert.Equal(0, batch.TruncatedRowCount);
    }

    [Fact]
    public void Encoder_pairs_get_a_second_eos_and_segment_ids()
    {
        EncodedBatch batch = BatchEncoder.EncodeForEncoder(Chars, ["ab"], maxLength: 16, secondTexts: ["cde"]);

        Assert.Equal([10, 0, 1, 11, 2, 3, 4, 11], batch.InputIds);
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1], batch.TokenTypeIds);
        Assert.Equal([8], batch.Lengths);
    }

    [Fact]
    public void Encoder_truncates_the_longer_text_first_and_counts_truncated_rows()
    {
        // Budget 7 - 3 specials = 4 of 6 + 2 content tokens: the first text loses 4.
        EncodedBatch batch = BatchEncoder.EncodeForEncoder(Chars, ["abcdef", "ab"], maxLength: 7, secondTexts: ["gh", "c"]);

        Assert.Equal(7, batch.SequenceLength);
        Assert.Equal([10, 0, 1, 11, 6, 7, 11], batch.InputIds[..7]);
        Assert.Equal([10, 0, 1, 11, 2, 11, 8], batch.InputIds[7..]);
        Assert.Equal([7, 6], batch.Lengths);
        Assert.Equal(1, batch.TruncatedRowCount);
    }

    [Fact]
    public void Encoder_truncation_of_equal_texts_takes_from_the_second_on_ties()
    {
        // 3 + 3 content tokens into a budget of 3: second loses 2, first loses 1.
        EncodedBatch batch = BatchEncoder.EncodeForEncoder(Chars, ["abc"], maxLength: 6, secondTexts: ["def"]);

        Assert.Equal([10, 0, 1, 11, 3, 11], batch.InputIds);
        Assert.Equal(1, batch.TruncatedRowCount);
    }

    [Fact]
    public void Single_text_longer_than_max_length_keeps_its_start_between_bos_and_eos()
    {
        EncodedBatch batch = BatchEncoder.EncodeForEncoder(Chars, ["abcdefgh"], maxLength: 4);

        Assert.Equal([10, 0, 1, 11], batch.InputIds);
        Assert.Equal(1, batch.TruncatedRowCount);
    }

    [Fact]
    public void Decoder_prompts_start_with_bos_and_are_left_truncated_keeping_the_end()
    {
        EncodedBatch batch = BatchEncoder.EncodeForDecoder(Chars, ["abcdefg", "ab"], maxLength: 4);

        Assert.Equal(4, batch.SequenceLength);
        Assert.Equal([3, 4, 5, 6, 10, 0, 1, 8], batch.InputIds);
        Assert.Equal([1, 1, 1, 1, 1, 1, 1, 0], batch.AttentionMask);
        Assert.Equal([4, 3], batch.Lengths);
        Assert.Equal(1, batch.TruncatedRowCount);
    }

    [Fact]
    public void To_tensors_gives_int64_batch_by_time_tensors()
    {
        EncodedBatch batch = BatchEncoder.EncodeForDecoder(Chars, ["abc", "a"], maxLength: 8);
        (torch.Tensor ids, torch.Tensor mask) = batch.ToTensors(torch.CPU);
        using (ids)
        using (mask)
        {
            Assert.Equal([2L, 4L], ids.shape);
            Assert.Equal(torch.int64, ids.dtype);
            Assert.Equal([2L, 4L], mask.shape);
            Assert.Equal(batch.InputIds, ids.data<long>().ToArray());
            Assert.Equal(batch.AttentionMask, mask.data<long>().ToArray());
        }
    }

    [Fact]
    public void Bad_arguments_are_rejected_naming_the_parameter()
    {
        Assert.Equal("maxLength", Assert.Throws<ArgumentException>(() => BatchEncoder.EncodeForEncoder(Chars, ["a"], maxLength: 2, secondTexts: ["b"])).ParamName);
        Assert.Equal("secondTexts", Assert.Throws<ArgumentException>(() => BatchEncoder.EncodeForEncoder(Chars, ["a", "b"], maxLength: 8, secondTexts: ["c"])).ParamName);
        Assert.Equal("maxLength", Assert.Throws<ArgumentException>(() => BatchEncoder.EncodeForDecoder(Chars, ["a"], maxLength: 0)).ParamName);
    }
}
