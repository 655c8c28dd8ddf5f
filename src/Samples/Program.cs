// Sample apps for Microsoft.ML.Attention. Each uses only the data shipped in the repository's datasets/ folder.
//   dotnet run --project src/Samples -c Release              (same as "pretrain")
//   dotnet run --project src/Samples -c Release -- pretrain  masked-LM pretraining on WikiText-2, embeddings, an SDCA classifier on them, save/load
//   dotnet run --project src/Samples -c Release -- generate  import llama2.c stories260K, generate in a pipeline and by streaming, save/load
using Microsoft.ML.Attention.Samples;

string sample = args.Length > 0 ? args[0] : "pretrain";
string datasets = SampleData.FindDatasets();
switch (sample)
{
    case "pretrain":
        PretrainAndEmbed.Run(datasets);
        return 0;
    case "generate":
        GenerateStories.Run(datasets);
        return 0;
    default:
        Console.Error.WriteLine($"Unknown sample '{sample}'. Samples: pretrain, generate.");
        return 2;
}
