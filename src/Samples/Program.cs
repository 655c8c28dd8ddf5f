// Sample apps for Microsoft.ML.Attention. Each uses only the data shipped in the repository's datasets/ folder.
//   dotnet run --project src/Samples -c Release              all three below, in order
//   dotnet run --project src/Samples -c Release -- pretrain  masked-LM pretraining on WikiText-2, embeddings, an SDCA classifier on them, save/load
//   dotnet run --project src/Samples -c Release -- classify  fine-tune a sentiment classifier on UCI yelp, evaluate next to FeaturizeText + SDCA, save/load
//   dotnet run --project src/Samples -c Release -- generate  import llama2.c stories260K, generate in a pipeline and by streaming, save/load
using Microsoft.ML.Attention.Samples;

string sample = args.Length > 0 ? args[0] : "all";
string datasets = SampleData.FindDatasets();
switch (sample)
{
    case "pretrain":
        PretrainAndEmbed.Run(datasets);
        return 0;
    case "classify":
        ClassifySentiment.Run(datasets);
        return 0;
    case "generate":
        GenerateStories.Run(datasets);
        return 0;
    case "all":
        Console.WriteLine("== pretrain");
        PretrainAndEmbed.Run(datasets);
        Console.WriteLine("== classify");
        ClassifySentiment.Run(datasets);
        Console.WriteLine("== generate");
        GenerateStories.Run(datasets);
        return 0;
    default:
        Console.Error.WriteLine($"Unknown sample '{sample}'. Samples: all (default), pretrain, classify, generate.");
        return 2;
}
